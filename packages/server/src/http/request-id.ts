import { randomBytes } from 'node:crypto';

/** `req_` and 24 hex characters; quoted by customers to support, so short and unique is enough. */
export function newRequestId(): string {
  return `req_${randomBytes(12).toString('hex')}`;
}
