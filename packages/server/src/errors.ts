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
  body_not_allowed: { status: 400, title: 'This operation takes no body' },
  json_too_deep: { status: 400, title: 'The JSON body nests too deeply' },
  invalid_character: { status: 400, title: 'The request contains a NUL character' },
  invalid_url: { status: 400, title: 'The URL is not valid' },
  invalid_http: { status: 400, title: 'The request is not valid HTTP' },
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
  idempotency_key_answer_lost: {
    status: 409,
    title: 'The request with this Idempotency-Key made its change, but its answer was lost',
  },
  request_timeout: { status: 408, title: 'The request took too long to arrive' },
  body_too_large: { status: 413, title: 'The body is too large' },
  uri_too_long: { status: 414, title: 'The URL is too long' },
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
  number_not_available: { status: 409, title: 'The number is held by another account' },
  number_quarantined: { status: 409, title: 'The number was released recently and is in quarantine' },
  number_already_held: { status: 409, title: 'The number is already on Prolope' },
  sip_username_taken: { status: 409, title: 'Another trunk uses this digest username' },
  call_not_active: { status: 409, title: 'The call is not in progress' },
  recording_not_active: { status: 409, title: 'No recording was started on this call through the API' },
  webhook_endpoint_disabled: { status: 409, title: 'The webhook endpoint is disabled' },
  websocket_required: { status: 426, title: 'This endpoint speaks WebSocket' },
  webhook_url_not_allowed: { status: 422, title: 'Prolope may not deliver to this URL' },
  too_many_webhook_endpoints: { status: 422, title: 'The account has the most webhook endpoints it may have' },
  recover_since_too_old: { status: 422, title: 'Events that old are no longer kept' },
  unknown_event_type: { status: 422, title: 'No such event type' },
  invalid_event_override: { status: 422, title: 'The overrides do not fit the event type' },
  port_transition_not_allowed: { status: 409, title: 'The porting request cannot move to that status from its current one' },
  invalid_reference: { status: 422, title: 'The body refers to an object that does not exist on this account' },
  sip_trunk_credentials_required: { status: 422, title: 'A SIP trunk needs digest credentials' },
  invalid_cidr: { status: 422, title: 'Not an IP address or CIDR block' },
  cidr_too_broad: { status: 422, title: 'The address block is too broad for a static-IP trunk' },
  invalid_outbound_target: { status: 422, title: "The trunk's outbound target is not one of its allowed addresses with a port" },
  invalid_carrier_uri: { status: 422, title: 'The carrier URI is not a SIP URI Prolope can dial' },
  caller_id_not_owned: { status: 422, title: 'The caller ID is not a number this account holds' },
  no_route: { status: 422, title: 'There is no route for this call' },
  declaration_required: { status: 422, title: 'The ownership declaration must be accepted' },
  port_document_required: { status: 422, title: 'A letter of authorization is required' },
  document_content_mismatch: { status: 422, title: 'The file is not of the content type it was sent as' },
  account_suspended: { status: 403, title: 'The account is suspended for non-payment' },
  account_terminated: { status: 403, title: 'The agreement with this account has ended' },
  billing_not_allowed: { status: 403, title: "Only the operator, or a test clock's owner for its test accounts, may do this" },
  test_clock_not_found: { status: 422, title: 'No such test clock on this account' },
  test_clock_advance_invalid: { status: 422, title: 'A test clock moves forward only, by at most two years at a time' },
  plan_not_available: { status: 422, title: 'The plan takes no new subscriptions from this account' },
  price_change_notice_too_short: { status: 422, title: "A price change needs at least 30 days' notice" },
  price_change_effective_before_notice: { status: 422, title: 'A price change cannot take effect before its notice' },
  price_change_more_than_once_a_year: { status: 422, title: 'Prices are adjusted by CPI at most once a year' },
  payment_exceeds_balance: { status: 422, title: 'The payment is more than the invoice still asks for' },
  payment_in_future: { status: 422, title: 'A payment cannot be received after today' },
  credit_exceeds_balance: { status: 422, title: 'The credit note is more than the invoice still asks for' },
  invoice_not_open: { status: 409, title: 'The invoice is not open' },
  subscription_not_active: { status: 409, title: 'The subscription has ended' },
  account_data_deleted: { status: 410, title: "The account's data was deleted after the retention period" },
  invalid_calendar_overrides: { status: 422, title: 'The calendar overrides are not valid' },
  contact_not_authorized: { status: 403, title: 'Only an authorized contact person of the account may do this' },
  incident_transition_not_allowed: { status: 409, title: 'The incident cannot move to that status from its current one' },
  maintenance_notice_too_short: { status: 422, title: 'Maintenance needs more notice' },
  invalid_time_range: { status: 422, title: 'The end is not after the start' },
  rate_limited: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'The request headers are too large' },
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
