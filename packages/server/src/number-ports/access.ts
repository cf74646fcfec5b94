import type { AuthContext } from '../http/auth.js';
import type { Owner } from './store.js';

/**
 * Reading: a customer sees its own requests; the operator sees every account's, because it is
 * the one that processes them with the losing carriers.
 */
export function readableBy(auth: AuthContext): Owner {
  return auth.isOperator ? 'any' : { accountId: auth.accountId };
}

/** Customer actions (upload, submit, cancel) act only on the caller's own requests. */
export function ownedBy(auth: AuthContext): Owner {
  return { accountId: auth.accountId };
}
