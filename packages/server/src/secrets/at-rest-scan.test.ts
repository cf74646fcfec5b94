import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownNumber } from '../numbers/test-fixtures.js';
import type { Db, StoreKind } from '../store/db.js';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';

/** Every row of every table, each cell as text, named `table.column`. */
async function everyCell(db: Db, kind: StoreKind): Promise<{ where: string; text: string }[]> {
  const tables =
    kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map(
          (r) => r.name,
        );
  const cells: { where: string; text: string }[] = [];
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows;
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const text = Buffer.isBuffer(value) ? value.toString('latin1') : typeof value === 'string' ? value : JSON.stringify(value);
        cells.push({ where: `${table}.${column}`, text });
      }
    }
  }
  return cells;
}

// Issue 13, item 2: one of everything that has a secret, each made the way a customer or the operator
// makes it (with an Idempotency-Key, so its answer is stored too), then every column of every table is
// searched for each secret's text, and (SQLite) every byte of the database files.
describe.each(storeKinds)('no secret at rest in the clear (%s)', (kind) => {
  let t: TestServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-scan-'));
  const secrets = new Map<string, string>();
  let n = 0;
  const once = () => ({ headers: { 'idempotency-key': `scan-${++n}` } });
  const keep = (what: string, secret: unknown) => {
    expect(typeof secret, what).toBe('string');
    expect((secret as string).length, what).toBeGreaterThanOrEqual(12);
    secrets.set(what, secret as string);
  };

  beforeAll(async () => {
    t = await startTestServer(kind, { config: { dataDir } });
    keep('operator key', t.operatorKey);

    const account = await t.operator.post('/v1/accounts', accountBody('Scan Ltd'), once());
    expect(account.status).toBe(201);
    keep("an account's initial admin key", account.body.initial_api_key.secret);
    const api = t.client(account.body.initial_api_key.secret);

    const key = await api.post('/v1/api-keys', { name: 'scan', scopes: ['contacts:read'] }, once());
    expect(key.status).toBe(201);
    keep('an API key', key.body.secret);

    const sub = await api.post('/v1/accounts', accountBody('Scan Sub Ltd'), once());
    if (sub.status === 201) keep("a subaccount's initial admin key", sub.body.initial_api_key.secret);

    const number = await ownNumber(t.operator, api);
    const given = await api.post(
      '/v1/sip-trunks',
      {
        name: 'scan given',
        allowed_ips: ['192.0.2.10'],
        allowed_caller_ids: [number.number],
        credentials: { username: `scan-given-${kind}`, password: 'Trunk-Pass-Given-2026' },
      },
      once(),
    );
    expect(given.status, JSON.stringify(given.body)).toBe(201);
    keep('a trunk password given', given.body.credentials.password);
    const made = await api.post(
      '/v1/sip-trunks',
      { name: 'scan made', allowed_ips: ['192.0.2.11'], allowed_caller_ids: [number.number], credentials: { username: `scan-made-${kind}` } },
      once(),
    );
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    keep('a trunk password made by Prolope', made.body.credentials.password);

    const endpoint = await api.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:4000/hooks' }, once());
    expect(endpoint.status).toBe(201);
    keep('a webhook endpoint secret', endpoint.body.secret);
    const rotated = await api.post(`/v1/webhook-endpoints/${endpoint.body.id}/rotate-secret`, {}, once());
    expect(rotated.status).toBe(200);
    keep('a rotated webhook endpoint secret', rotated.body.secret);

    const voice = await api.patch(`/v1/numbers/${number.id}`, { voice: { url: 'https://example.com/voice' } });
    expect(voice.status).toBe(200);
    keep('a voice signing secret', voice.body.voice.signing_secret);

    const carrier = await t.operator.post(
      '/v1/carriers',
      { name: 'Scan carrier', uri: 'sip:127.0.0.1:5090', username: 'scan', password: 'Carrier-Pass-Scan-2026' },
      once(),
    );
    expect(carrier.status, JSON.stringify(carrier.body)).toBe(201);
    keep('a carrier password', 'Carrier-Pass-Scan-2026');

    // Replays answer the secrets as first shown: they are stored, only sealed.
    const replay = await api.post('/v1/api-keys', { name: 'scan', scopes: ['contacts:read'] }, { headers: { 'idempotency-key': 'scan-2' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.secret).toBe(key.body.secret);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds no secret in any column of any table', async () => {
    const cells = await everyCell(t.server.store.db, kind);
    // The scan reads the tables that hold secrets' traces (hashes, sealed values, stored answers).
    const tables = new Set(cells.map((c) => c.where.split('.')[0]));
    for (const table of ['api_keys', 'idempotency_keys', 'sip_trunks', 'webhook_endpoints', 'phone_numbers', 'carriers', 'events']) {
      expect(tables, table).toContain(table);
    }
    const hits: string[] = [];
    for (const [what, secret] of secrets) {
      // The whole secret, and its body without a prefix (pk_live_, whsec_) should one be stripped before storing.
      const needles = [secret, secret.replace(/^(pk_live_|whsec_)/, '')];
      for (const cell of cells) if (needles.some((needle) => cell.text.includes(needle))) hits.push(`${what} in ${cell.where}`);
    }
    expect(hits).toEqual([]);
    expect(secrets.size).toBeGreaterThanOrEqual(9);
  });

  it.runIf(kind === 'sqlite')('finds no secret in the bytes of the database files either', () => {
    const files = readdirSync(dataDir).filter((f) => f.startsWith('prolope.sqlite'));
    expect(files).toContain('prolope.sqlite');
    const hits: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(join(dataDir, file));
      for (const [what, secret] of secrets) if (bytes.includes(Buffer.from(secret))) hits.push(`${what} in ${file}`);
    }
    expect(hits).toEqual([]);
  });
});
