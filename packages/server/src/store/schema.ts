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
  /** A test subaccount's test clock: its billing "today" is the clock's frozen time. */
  test_clock_id: string | null;
  /** Operator holds on automatic suspension / termination (terms 7.2 "may"). */
  hold_suspension: number;
  hold_termination: number;
  /** Sofia date the agreement ended. */
  terminated_on: string | null;
  /** The last Sofia date the billing jobs ran for (null: never). */
  billed_through: string | null;
  /** When the 30-day retention ended and the account's data was deleted. */
  data_deleted_at: string | null;
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
  /** A personal key's contact (issue 13): the person the key authenticates; null for an account key. */
  contact_id: string | null;
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
  /** The signing secret sealed with the server key (webhook-endpoints/endpoint.ts); never the secret itself. */
  secret_sealed: string;
  /** The secret before the last rotation, sealed, while it still signs (until previous_secret_expires_at). */
  previous_secret_sealed: string | null;
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

/** One row per (API key, Idempotency-Key); purged 24 hours after created_at (http/idempotency-purge.ts). */
export interface IdempotencyKeysTable {
  api_key_id: string;
  key: string;
  account_id: string;
  fingerprint: string;
  state: string;
  response_status: number | null;
  /** The stored answer sealed with the server key (secrets/secret-box.ts): it may hold a new key's secret. */
  response_sealed: string | null;
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
  /** JSON of the API's NumberRoute (a SIP user, ...); null: the voice application answers. */
  route: string | null;
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
  /** Digest username, unique per account (the SIP side narrows by source address and A-number first). */
  username: string;
  realm: string;
  /** Digest HA1 = H(username:realm:password) in MD5 and SHA-256 (RFC 7616); never the password. */
  ha1_md5: string;
  ha1_sha256: string;
  link: string | null;
  /** `ip[:port]` inside allowed_ips where calls out through the trunk go; null: the first single address, 5060. */
  outbound_target: string | null;
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
  /** The node (PROLOPE_NODE_ID) holding the call's media, with PostgreSQL; null on SQLite (one process). */
  node_id: string | null;
  /** Why the call ended: a stable code and the same in words (null while live). */
  hangup_reason_code: string | null;
  hangup_reason_message: string | null;
  /** JSON of the API's CallRouting (ring group, member who answered, fallback taken); null for other calls. */
  routing: string | null;
  /** JSON of the API's CallFlow (the flow, its revision, the nodes entered); null for calls that ran no flow. */
  flow: string | null;
}

export interface RecordingsTable {
  id: string;
  account_id: string;
  call_id: string;
  status: string;
  /** 1 (mono) or 2 (dual: the caller left, the other party right). */
  channels: number;
  duration_seconds: number;
  size_bytes: number;
  created_at: string;
}

export interface PlansTable {
  id: string;
  /** Null for the operator's plans; else the account whose test plan it is. */
  owner_account_id: string | null;
  name: string;
  currency: string;
  setup_fee: number;
  fee: number;
  interval: string;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionsTable {
  id: string;
  account_id: string;
  plan_id: string;
  /** pending (before activation), active, canceled. */
  status: string;
  currency: string;
  setup_fee: number;
  fee: number;
  interval: string;
  protocol_signed_on: string | null;
  first_used_on: string | null;
  activated_on: string | null;
  setup_invoiced: number;
  current_period_start: string | null;
  current_period_end: string | null;
  cancel_at: string | null;
  canceled_on: string | null;
  created_at: string;
  updated_at: string;
}

export interface PriceChangesTable {
  id: string;
  account_id: string;
  subscription_id: string;
  cpi_index: string;
  old_fee: number;
  new_fee: number;
  notice_on: string;
  effective_on: string;
  applied: number;
  created_at: string;
}

export interface InvoicesTable {
  id: string;
  account_id: string;
  subscription_id: string | null;
  number: string;
  /** setup, subscription, penalty, termination. */
  kind: string;
  /** open, paid, void. */
  status: string;
  currency: string;
  issue_date: string;
  due_date: string;
  subtotal: number;
  vat_case: string;
  vat_rate_basis_points: number;
  vat: number;
  total: number;
  amount_paid: number;
  amount_credited: number;
  vat_note: string | null;
  /** JSON snapshot of the customer when issued. */
  buyer: string;
  overdue_since: string | null;
  paid_on: string | null;
  /** The late-payment penalty on this invoice was billed (a penalty invoice exists). */
  penalty_invoiced: number;
  created_at: string;
  updated_at: string;
}

export interface InvoiceLinesTable {
  id: string;
  invoice_id: string;
  account_id: string;
  position: number;
  /** setup, fee, penalty, termination_fee. */
  kind: string;
  description: string;
  quantity: number;
  unit_amount: number;
  amount: number;
  period_start: string | null;
  period_end: string | null;
  source_invoice_id: string | null;
}

export interface PaymentsTable {
  id: string;
  account_id: string;
  invoice_id: string;
  amount: number;
  currency: string;
  received_on: string;
  reference: string | null;
  created_at: string;
}

export interface CreditNotesTable {
  id: string;
  account_id: string;
  invoice_id: string;
  number: string;
  amount: number;
  subtotal: number;
  vat: number;
  reason: string;
  issue_date: string;
  created_at: string;
}

export interface BillingCountersTable {
  name: string;
  value: number;
}

export interface TestClocksTable {
  id: string;
  /** The account that made the clock (and owns the test subaccounts attached to it). */
  account_id: string;
  name: string | null;
  frozen_time: string;
  created_at: string;
  updated_at: string;
}

export interface ExportsTable {
  id: string;
  account_id: string;
  status: string;
  size_bytes: number;
  /** JSON array of the archive's file names. */
  files: string;
  created_at: string;
  expires_at: string;
}

export interface CalendarOverridesTable {
  date: string;
  year: number;
  /** day_off or working_day. */
  kind: string;
}

export interface IncidentsTable {
  id: string;
  account_id: string;
  severity: string;
  service: string;
  title: string;
  description: string;
  /** The SLA clock starts here (terms 6.3), not at created_at. */
  description_completed_at: string | null;
  /** open, acknowledged, mitigated, resolved, closed. */
  status: string;
  /** The contact (ctc_) who opened it. */
  opened_by: string;
  /** JSON array of {status, at, by}. */
  history: string;
  acknowledged_at: string | null;
  mitigated_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  operator_notes: string | null;
  outage_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface IncidentCommentsTable {
  id: string;
  incident_id: string;
  account_id: string;
  author: string;
  body: string;
  internal: number;
  created_at: string;
}

export interface IncidentBreachesTable {
  incident_id: string;
  /** initial_response, temporary_solution, final_resolution. */
  target: string;
  account_id: string;
  due_at: string;
  notified_at: string;
}

export interface MaintenanceWindowsTable {
  id: string;
  /** JSON array of services. */
  services: string;
  title: string;
  starts_at: string;
  ends_at: string;
  impact: string;
  emergency: number;
  reason: string | null;
  announced_at: string;
  announced_in_time: number;
  created_at: string;
}

export interface OutagesTable {
  id: string;
  service: string;
  started_at: string;
  ended_at: string | null;
  incident_id: string | null;
  description: string | null;
  created_at: string;
}

/** The operator's SIP carriers for outbound calls (not an account's: every account's calls use them). */
export interface CarriersTable {
  id: string;
  name: string;
  uri: string;
  username: string | null;
  /** The digest password sealed with the server key (secrets/secret-box.ts); never the password itself. */
  password_sealed: string | null;
  priority: number;
  /** 1 or 0. */
  enabled: number;
  created_at: string;
  updated_at: string;
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
  plans: PlansTable;
  subscriptions: SubscriptionsTable;
  price_changes: PriceChangesTable;
  invoices: InvoicesTable;
  invoice_lines: InvoiceLinesTable;
  payments: PaymentsTable;
  credit_notes: CreditNotesTable;
  billing_counters: BillingCountersTable;
  test_clocks: TestClocksTable;
  exports: ExportsTable;
  calendar_overrides: CalendarOverridesTable;
  incidents: IncidentsTable;
  incident_comments: IncidentCommentsTable;
  incident_breaches: IncidentBreachesTable;
  maintenance_windows: MaintenanceWindowsTable;
  outages: OutagesTable;
  carriers: CarriersTable;
  nodes: NodesTable;
  call_subscriptions: CallSubscriptionsTable;
  sip_users: SipUsersTable;
  audio_prompts: AudioPromptsTable;
  account_audio_settings: AccountAudioSettingsTable;
  sip_registrations: SipRegistrationsTable;
  voicemail_boxes: VoicemailBoxesTable;
  ring_groups: RingGroupsTable;
  voicemail_messages: VoicemailMessagesTable;
  sip_user_call_handling: SipUserCallHandlingTable;
  schedules: SchedulesTable;
  flows: FlowsTable;
  flow_revisions: FlowRevisionsTable;
}

/** An IVR flow and its draft (migration 0027). */
export interface FlowsTable {
  id: string;
  account_id: string;
  name: string;
  /** JSON of the spec's FlowDocument: the draft. */
  definition: string;
  /** The newest published revision's number; null before the first publish. */
  latest_revision: number | null;
  created_at: string;
  updated_at: string;
}

/** A published, immutable revision of a flow (migration 0027); never updated, deleted only with its flow. */
export interface FlowRevisionsTable {
  flow_id: string;
  revision: number;
  account_id: string;
  name: string;
  definition: string;
  /** The revision a rollback published again; null for a publish of the draft. */
  rolled_back_from: number | null;
  published_at: string;
}

/** A SIP user's forwarding and do-not-disturb (migration 0024); no row: the defaults. */
export interface SipUserCallHandlingTable {
  sip_user_id: string;
  account_id: string;
  /** JSON of the API's CallHandlingUpdate with its defaults filled in. */
  settings: string;
  updated_at: string;
}

/** An account's business-hours schedule (migration 0024). */
export interface SchedulesTable {
  id: string;
  account_id: string;
  name: string;
  /** IANA zone name. */
  time_zone: string;
  /** JSON array of the API's OpeningHours. */
  hours: string;
  /** 1: closed on the Bulgarian calendar's holidays; 0: not. */
  public_holidays: number;
  /** JSON array of YYYY-MM-DD. */
  closed_dates: string;
  created_at: string;
  updated_at: string;
}

/**
 * A call's status callback as a delivery target (migration 0018): the delivery worker serves it like a
 * webhook endpoint, so `event_deliveries.endpoint_id` may name one of these.
 */
export interface CallSubscriptionsTable {
  id: string;
  account_id: string;
  call_id: string;
  url: string;
  /** Always POST today (the spec has no method for status callbacks). */
  method: string;
  /** JSON array of event types, e.g. ["call.initiated","call.completed"]. */
  events: string;
  /** The sealed voice signing secret of the call's number; null: sent unsigned. */
  secret_sealed: string | null;
  created_at: string;
}

/** A server process sharing PostgreSQL, with the lease it renews while it runs (calls/remote-control). */
export interface NodesTable {
  id: string;
  /** Its API address (informative). */
  url: string | null;
  started_at: string;
  heartbeat_at: string;
  lease_until: string;
}

/** A cloud PBX user (migration 0019): digest hashes only, realm = the account's SIP domain. */
/** An uploaded audio prompt (terms 10): its A-law WAV is in the object store under `<account>/<id>`. */
export interface AudioPromptsTable {
  id: string;
  account_id: string;
  name: string;
  /** 'active' or 'taken_down' (terms 10.3). */
  status: string;
  /** 'wav' or 'mp3': what was uploaded. */
  source_format: string;
  duration_ms: number;
  /** Bytes of the stored A-law WAV. */
  size_bytes: number;
  /** Terms 10.2 as accepted, and by which key (and personal key's contact) when. */
  rights_text: string;
  rights_version: string;
  rights_accepted_at: string;
  rights_api_key_id: string;
  rights_contact_id: string | null;
  taken_down_at: string | null;
  takedown_reason: string | null;
  created_at: string;
  updated_at: string;
}

/** Per-account audio choices: the hold music. */
export interface AccountAudioSettingsTable {
  account_id: string;
  hold_music_audio_id: string | null;
  updated_at: string;
}

export interface SipUsersTable {
  id: string;
  account_id: string;
  /** Unique per account. */
  username: string;
  realm: string;
  ha1_md5: string;
  ha1_sha256: string;
  /** 2-6 digits, unique per account; null: none. */
  extension: string | null;
  display_name: string | null;
  /** E.164, a number the account holds; null: none. */
  caller_id: string | null;
  max_registrations: number;
  /** 1 or 0. */
  enabled: number;
  created_at: string;
  updated_at: string;
}

/** A registered contact of a SIP user (RFC 3261 section 10), kept until `expires_at`. */
export interface SipRegistrationsTable {
  id: string;
  account_id: string;
  sip_user_id: string;
  contact: string;
  call_id: string;
  cseq: number;
  /** Where the REGISTER came from (RFC 3581): the device is reached there, not at the Contact's host. */
  source_address: string;
  source_port: number;
  transport: string;
  /** The node holding the socket the REGISTER arrived on (PROLOPE_NODE_ID); null without one. */
  node_id: string | null;
  user_agent: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

/** A ring group (migration 0023). */
export interface RingGroupsTable {
  id: string;
  account_id: string;
  name: string;
  extension: string | null;
  strategy: string;
  /** JSON array of `{sip_user_id, timeout_seconds}`, in ringing order. */
  members: string;
  timeout_seconds: number;
  /** JSON of the spec's RingGroupFallback; null: 480 to the caller. */
  fallback: string | null;
  /** The member index round-robin starts the next call with (taken modulo the member count). */
  rr_next: number;
  created_at: string;
  updated_at: string;
}

/** A voicemail box (migration 0021). */
export interface VoicemailBoxesTable {
  id: string;
  account_id: string;
  name: string;
  /** `scrypt$<salt>$<hash>`; never the PIN. */
  pin_hash: string;
  /** The owner whose phones get the message waiting indicator; null: none. */
  sip_user_id: string | null;
  email: string | null;
  max_message_seconds: number;
  /** JSON of the spec's VoicemailBox.greetings. */
  greetings: string;
  created_at: string;
  updated_at: string;
}

/** A message left in a box; its WAV is in object storage under `<account id>/<message id>`. */
export interface VoicemailMessagesTable {
  id: string;
  account_id: string;
  box_id: string;
  call_id: string | null;
  from_number: string;
  duration_seconds: number;
  size_bytes: number;
  /** 1 or 0. */
  heard: number;
  created_at: string;
}
