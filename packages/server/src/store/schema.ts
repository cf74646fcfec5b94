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

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  fingerprint: string;
  state: string;
  response_status: number | null;
  response_body: string | null;
  created_at: string;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  contacts: ContactsTable;
  events: EventsTable;
  idempotency_keys: IdempotencyKeysTable;
}
