// One column layout for SQLite and PostgreSQL: times are RFC 3339 text (sortable, and what the API
// returns), JSON is text, booleans are 0/1 integers. That keeps every query identical on both.

export interface AccountsTable {
  id: string;
  name: string;
  legal_entity: string;
  signatory: string;
  parent_account_id: string | null;
  status: string;
  is_operator: number;
  metadata: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  scopes: string;
  secret_hash: string;
  prefix: string;
  last4: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface ContactsTable {
  id: string;
  account_id: string;
  name: string;
  email: string;
  phone: string | null;
  role: string;
  can_open_incidents: number;
  receives_notices: number;
  created_at: string;
  updated_at: string;
}

export interface EventsTable {
  id: string;
  account_id: string;
  type: string;
  object_id: string;
  payload: string;
  created_at: string;
}

export interface WebhookEndpointsTable {
  id: string;
  account_id: string;
  url: string;
  description: string | null;
  /** JSON array of event filters (`*`, `call.*`, `call.completed`). */
  enabled_events: string;
  status: string;
  disabled_reason: string | null;
  failing_since: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface EventDeliveriesTable {
  id: string;
  account_id: string;
  event_id: string;
  endpoint_id: string;
  /** pending, succeeded, failed (retries used up), dropped (endpoint disabled meanwhile). */
  status: string;
  attempts: number;
  next_attempt_at: string;
  /** A worker holds the delivery until then; after it (a crash) another worker may take it. */
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface EventAttemptsTable {
  id: string;
  account_id: string;
  event_id: string;
  endpoint_id: string;
  delivery_id: string;
  attempt: number;
  status: string;
  response_status: number | null;
  latency_ms: number;
  response_snippet: string | null;
  error: string | null;
  next_attempt_at: string | null;
  created_at: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  fingerprint: string;
  state: string;
  response_status: number | null;
  response_body: string | null;
  created_at: string;
}

export interface PhoneNumbersTable {
  id: string;
  /** E.164, unique: one row per number, whoever holds it. */
  number: string;
  country: string;
  type: string;
  capabilities: string;
  monthly_price: string;
  setup_price: string;
  currency: string;
  /** available | assigned | quarantined | porting */
  status: string;
  account_id: string | null;
  /** purchased | ported, while assigned */
  source: string | null;
  quarantined_until: string | null;
  friendly_name: string | null;
  voice: string | null;
  sip_trunk_id: string | null;
  forwarding: string | null;
  purchased_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface SipTrunksTable {
  id: string;
  account_id: string;
  name: string;
  allowed_ips: string;
  allowed_caller_ids: string;
  /** Digest username, unique across Prolope (the SIP side finds the trunk by it). */
  username: string;
  realm: string;
  /** Digest HA1 = H(username:realm:password) in MD5 and SHA-256 (RFC 7616); never the password. */
  ha1_md5: string;
  ha1_sha256: string;
  link: string | null;
  created_at: string;
  updated_at: string;
}

export interface NumberPortsTable {
  id: string;
  account_id: string;
  numbers: string;
  losing_carrier: string;
  /** draft | submitted | foc_set | completed | rejected | cancelled */
  status: string;
  declaration: string;
  foc_date: string | null;
  rejection_reason: string | null;
  history: string;
  created_at: string;
  updated_at: string;
}

export interface PortDocumentsTable {
  id: string;
  port_id: string;
  account_id: string;
  kind: string;
  filename: string;
  content_type: string;
  size: number;
  /** The file, base64: text keeps one column type on SQLite and PostgreSQL. */
  content_base64: string;
  created_at: string;
}

export interface CallsTable {
  id: string;
  account_id: string;
  direction: string;
  from: string;
  to: string;
  status: string;
  sip_call_id: string;
  sip_trunk_id: string | null;
  phone_number_id: string | null;
  sip_code: number | null;
  hangup_by: string | null;
  hangup_cause: string | null;
  answered_at: string | null;
  ended_at: string | null;
  duration_seconds: number | null;
  created_at: string;
  updated_at: string;
  /** The call whose `dial` placed this one (a leg); null for calls of their own. */
  parent_call_id: string | null;
  /** Where status changes are POSTed (outbound calls that asked for it), and which (JSON array). */
  status_callback_url: string | null;
  status_callback_events: string | null;
  /** The API address of the server process carrying the call (live actions are forwarded there). */
  owner_url: string | null;
}

export interface RecordingsTable {
  id: string;
  account_id: string;
  call_id: string;
  status: string;
  duration_seconds: number;
  size_bytes: number;
  created_at: string;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  contacts: ContactsTable;
  events: EventsTable;
  idempotency_keys: IdempotencyKeysTable;
  phone_numbers: PhoneNumbersTable;
  sip_trunks: SipTrunksTable;
  number_ports: NumberPortsTable;
  port_documents: PortDocumentsTable;
  calls: CallsTable;
  recordings: RecordingsTable;
  webhook_endpoints: WebhookEndpointsTable;
  event_deliveries: EventDeliveriesTable;
  event_attempts: EventAttemptsTable;
}
