// The contract package itself, not http/contract.ts: errors.ts is the bottom layer, below http/.
import { type ErrorCode, errorCodes } from '@prolope/contract/errors';

/**
 * Every error the API can answer has a stable code. The list, with each code's status and title, is
 * openapi/errors.yaml (generated into the contract and into the spec's Problem.code enum); what each
 * means and how to fix it is docs/errors.md. `detail` should name the likely mistake, so a developer
 * can fix the request without reading the docs.
 */
export { type ErrorCode, errorCodes };

/** An error that becomes an RFC 9457 problem response. */
export class ProblemError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly param: string | undefined;
  readonly errors: { param?: string; message: string }[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail: string,
    options: {
      param?: string;
      errors?: { param?: string; message: string }[];
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.title = errorCodes[code].title;
    this.param = options.param;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export function notFound(kind: string, id: string): ProblemError {
  return new ProblemError('not_found', `No ${kind} ${id} on this account. Check the id, and that the API key belongs to the account that owns it.`);
}
