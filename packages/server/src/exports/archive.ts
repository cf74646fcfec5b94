import { type Zippable, zipSync } from 'fflate';
import { toAccount } from '../accounts/service.js';
import { type RecordingStore, recordingKey } from '../store/object-store.js';
import type { Db, Tx } from '../store/db.js';
import type { AccountsTable } from '../store/schema.js';

/** What an archive holds, and its bytes. */
export interface Archive {
  zip: Uint8Array;
  /** The file names, in archive order. */
  files: string[];
}

type Row = Record<string, unknown>;

// JSON text columns become JSON in the export; a value that does not parse is kept as the text it is.
function parseJson(row: Row, columns: readonly string[]): Row {
  const out: Row = { ...row };
  for (const c of columns) {
    const v = out[c];
    if (typeof v !== 'string') continue;
    try {
      out[c] = JSON.parse(v);
    } catch {
      // kept as stored
    }
  }
  return out;
}

function without(row: Row, columns: readonly string[]): Row {
  const out: Row = { ...row };
  for (const c of columns) delete out[c];
  return out;
}

/** A number's voice application carries the signing secret of its webhooks (sealed): never exported. */
function phoneNumberOut(row: Row): Row {
  const out = parseJson(row, ['capabilities', 'voice', 'forwarding', 'route']);
  if (out.voice && typeof out.voice === 'object') {
    const { signing_secret: _secret, signing_secret_sealed: _sealed, ...voice } = out.voice as Record<string, unknown>;
    out.voice = voice;
  }
  return out;
}

const pretty = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

// Each table: its file, what it is (README.txt), and how a row is written. Secrets are left out:
// key hashes, digest HA1s, webhook signing secrets, voice signing secrets. Delivery bookkeeping
// (event_deliveries, event_attempts) and idempotency records are operational, not the customer's data.
interface TableExport {
  file: string;
  about: string;
  rows: (db: Db | Tx, accountId: string) => Promise<Row[]>;
}

const tables: TableExport[] = [
  {
    file: 'api_keys.json',
    about: 'API keys: name, scopes, prefix and last 4 characters, expiry, use and revocation (never the secret or its hash).',
    rows: async (db, id) =>
      (await db.selectFrom('api_keys').selectAll().where('account_id', '=', id).orderBy('id').execute()).map((r) =>
        parseJson(without(r, ['secret_hash']), ['scopes']),
      ),
  },
  {
    file: 'contacts.json',
    about: 'Authorized contacts (terms 6.2).',
    rows: async (db, id) => db.selectFrom('contacts').selectAll().where('account_id', '=', id).orderBy('id').execute(),
  },
  {
    file: 'phone_numbers.json',
    about: 'Phone numbers the account holds, with their settings (without voice signing secrets).',
    rows: async (db, id) => (await db.selectFrom('phone_numbers').selectAll().where('account_id', '=', id).orderBy('id').execute()).map(phoneNumberOut),
  },
  {
    file: 'sip_trunks.json',
    about: 'SIP trunks: allowed IPs, caller IDs, digest username and realm, link (never the digest password or its HA1 hashes).',
    rows: async (db, id) =>
      (await db.selectFrom('sip_trunks').selectAll().where('account_id', '=', id).orderBy('id').execute()).map((r) =>
        parseJson(without(r, ['ha1_md5', 'ha1_sha256']), ['allowed_ips', 'allowed_caller_ids', 'link']),
      ),
  },
  {
    file: 'sip_users.json',
    about: 'Cloud PBX users: username, SIP domain, extension, caller ID, limits (never the password or its HA1 hashes).',
    rows: async (db, id) =>
      (await db.selectFrom('sip_users').selectAll().where('account_id', '=', id).orderBy('id').execute()).map((r) => without(r, ['ha1_md5', 'ha1_sha256'])),
  },
  {
    file: 'flows.json',
    about: 'IVR flows: name, the draft document, the latest published revision.',
    rows: async (db, id) =>
      (await db.selectFrom('flows').selectAll().where('account_id', '=', id).orderBy('id').execute()).map((r) => parseJson(r, ['definition'])),
  },
  {
    file: 'flow_revisions.json',
    about: 'Every published revision of each flow, with its document.',
    rows: async (db, id) =>
      (await db.selectFrom('flow_revisions').selectAll().where('account_id', '=', id).orderBy('flow_id').orderBy('revision').execute()).map((r) =>
        parseJson(r, ['definition']),
      ),
  },
  {
    file: 'sip_registrations.json',
    about: "Devices registered for the account's SIP users: contact, source address, expiry.",
    rows: async (db, id) => db.selectFrom('sip_registrations').selectAll().where('account_id', '=', id).orderBy('id').execute(),
  },
  {
    file: 'number_ports.json',
    about: 'Number porting requests, with the signed ownership declaration and their history.',
    rows: async (db, id) =>
      (await db.selectFrom('number_ports').selectAll().where('account_id', '=', id).orderBy('id').execute()).map((r) =>
        parseJson(r, ['numbers', 'declaration', 'history']),
      ),
  },
  {
    file: 'port_documents.json',
    about: 'Documents attached to porting requests (the files themselves are under port_documents/).',
    rows: async (db, id) =>
      db
        .selectFrom('port_documents')
        .select(['id', 'port_id', 'account_id', 'kind', 'filename', 'content_type', 'size', 'created_at'])
        .where('account_id', '=', id)
        .orderBy('id')
        .execute(),
  },
  {
    file: 'calls.json',
    about: 'Call records (CDRs): parties, times, duration, SIP outcome.',
    rows: async (db, id) =>
      (await db.selectFrom('calls').selectAll().where('account_id', '=', id).orderBy('id').execute()).map((r) => parseJson(r, ['status_callback_events'])),
  },
  {
    file: 'recordings.json',
    about: 'Call recordings (the audio of each is recordings/<id>.wav, when it is still stored).',
    rows: async (db, id) => db.selectFrom('recordings').selectAll().where('account_id', '=', id).orderBy('id').execute(),
  },
  {
    file: 'events.json',
    about: 'Events (what webhooks deliver), with their payloads.',
    rows: async (db, id) =>
      (await db.selectFrom('events').selectAll().where('account_id', '=', id).orderBy('id').execute()).map((r) => parseJson(r, ['payload'])),
  },
  {
    file: 'webhook_endpoints.json',
    about: 'Webhook endpoints: URL, event filter, status (never the signing secrets).',
    rows: async (db, id) =>
      (await db.selectFrom('webhook_endpoints').selectAll().where('account_id', '=', id).orderBy('id').execute()).map((r) =>
        parseJson(without(r, ['secret_sealed', 'previous_secret_sealed']), ['enabled_events']),
      ),
  },
  {
    file: 'subscriptions.json',
    about: 'Subscriptions to plans, with their fees and periods.',
    rows: async (db, id) => db.selectFrom('subscriptions').selectAll().where('account_id', '=', id).orderBy('id').execute(),
  },
  {
    file: 'price_changes.json',
    about: 'CPI price changes notified on the subscriptions.',
    rows: async (db, id) => db.selectFrom('price_changes').selectAll().where('account_id', '=', id).orderBy('id').execute(),
  },
  {
    file: 'invoices.json',
    about: 'Invoices, each with its lines and the buyer as invoiced.',
    rows: async (db, id) => {
      const invoices = await db.selectFrom('invoices').selectAll().where('account_id', '=', id).orderBy('id').execute();
      const lines = await db.selectFrom('invoice_lines').selectAll().where('account_id', '=', id).orderBy('invoice_id').orderBy('position').execute();
      return invoices.map((inv) => ({ ...parseJson(inv, ['buyer']), lines: lines.filter((l) => l.invoice_id === inv.id) }));
    },
  },
  {
    file: 'payments.json',
    about: 'Payments received against invoices.',
    rows: async (db, id) => db.selectFrom('payments').selectAll().where('account_id', '=', id).orderBy('id').execute(),
  },
  {
    file: 'credit_notes.json',
    about: 'Credit notes issued against invoices.',
    rows: async (db, id) => db.selectFrom('credit_notes').selectAll().where('account_id', '=', id).orderBy('id').execute(),
  },
  {
    file: 'plans.json',
    about: "The account's own test plans (the operator's plans are not the account's data).",
    rows: async (db, id) => db.selectFrom('plans').selectAll().where('owner_account_id', '=', id).orderBy('id').execute(),
  },
  {
    file: 'test_clocks.json',
    about: 'Test clocks the account made.',
    rows: async (db, id) => db.selectFrom('test_clocks').selectAll().where('account_id', '=', id).orderBy('id').execute(),
  },
];

// A document's stored name, made safe for a path inside the archive.
function safeName(name: string): string {
  const cleaned = name.replace(/[^0-9A-Za-z._-]+/g, '_').replace(/^\.+/, '');
  return cleaned.slice(0, 100) || 'document';
}

/**
 * The account's data as a ZIP archive (terms 13.3, GDPR art. 20): `account.json`, one pretty-printed
 * JSON array per table, the port documents, the recordings' WAV where their audio is still stored,
 * and `README.txt` saying what each file is. JSON is deflated (level 6); WAV is stored (level 0).
 */
export async function buildArchive(db: Db | Tx, recordings: RecordingStore, account: AccountsTable, now: Date): Promise<Archive> {
  const entries: Zippable = {};
  const readme: string[] = [
    `Prolope data export of account ${account.id}, made ${now.toISOString()}.`,
    'Times are RFC 3339 (UTC); money is in minor units (cents); dates are Sofia calendar dates.',
    '',
  ];
  const add = (name: string, data: Uint8Array, level: 0 | 6, about: string) => {
    entries[name] = [data, { level }];
    readme.push(`${name}: ${about}`);
  };

  add('account.json', pretty(toAccount(account)), 6, 'The account: name, legal entity, signatory, status, metadata.');
  for (const table of tables) {
    add(table.file, pretty(await table.rows(db, account.id)), 6, table.about);
  }

  const documents = await db
    .selectFrom('port_documents')
    .select(['id', 'filename', 'content_base64'])
    .where('account_id', '=', account.id)
    .orderBy('id')
    .execute();
  for (const doc of documents) {
    add(`port_documents/${doc.id}-${safeName(doc.filename)}`, Buffer.from(doc.content_base64, 'base64'), 6, `Port document ${doc.id} as uploaded.`);
  }

  const recordingRows = await db.selectFrom('recordings').select(['id', 'call_id']).where('account_id', '=', account.id).orderBy('id').execute();
  for (const rec of recordingRows) {
    const wav = await recordings.get(recordingKey(account.id, rec.id));
    if (wav) add(`recordings/${rec.id}.wav`, wav, 0, `Audio of recording ${rec.id} (call ${rec.call_id}), WAV.`);
  }

  const archive: Zippable = { 'README.txt': [new TextEncoder().encode(`${readme.join('\n')}\n`), { level: 6 }], ...entries };
  // Every entry dated the export's time (the server's clock, not the zipping machine's file times).
  return { zip: zipSync(archive, { mtime: now }), files: Object.keys(archive) };
}
