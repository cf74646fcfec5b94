/**
 * Every error the API can answer, with a stable code. `detail` should name the likely mistake,
 * so a developer can fix the request without reading the docs.
 */
export const errorCodes = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  invalid_json: { status: 400, title: 'The body is not valid JSON' },
  unknown_field: {
    status: 400,
    title: 'The body has a field this operation does not take',
  },
  missing_api_key: { status: 401, title: 'No API key' },
  invalid_api_key: { status: 401, title: 'The API key is not valid' },
  missing_scope: { status: 403, title: 'The API key lacks a scope' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'No such object' },
  route_not_found: { status: 404, title: 'No such endpoint' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  idempotency_key_in_use: {
    status: 409,
    title: 'A request with this Idempotency-Key is still running',
  },
  idempotency_key_reused: {
    status: 409,
    title: 'The Idempotency-Key was used with another request',
  },
  body_too_large: { status: 413, title: 'The body is too large' },
  unsupported_media_type: {
    status: 415,
    title: 'The body must be application/json',
  },
  signatory_confirmation_required: {
    status: 422,
    title: 'The signatory must confirm age and authority',
  },
  scope_not_grantable: {
    status: 422,
    title: 'A key cannot be given a scope its creator lacks',
  },
  invalid_phone_number: { status: 422, title: 'The phone number is not valid' },
  rate_limited: { status: 429, title: 'Too many requests' },
  store_unavailable: { status: 503, title: 'The store is unavailable' },
  internal_error: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

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
