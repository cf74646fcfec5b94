import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readVoice } from '../../numbers/stored-voice.js';
import { secretBox } from '../../secrets/secret-box.js';
import { createDatabase } from '../../test/postgres.js';
import { storeKinds } from '../../test/harness.js';
import { signingSecrets } from '../../webhook-endpoints/endpoint.js';
import { openStore, type Store } from '../db.js';
import { migrateToLatest, migrator } from '../migrate.js';

const at = '2026-11-26T09:00:00.000Z';
const current = 'whsec_Y3VycmVudGN1cnJlbnRjdXJyZW50';
const previous = 'whsec_cHJldmlvdXNwcmV2aW91c3ByZXZp';
const voiceSecret = 'whsec_dm9pY2V2b2ljZXZvaWNldm9pY2U=';
const keySecret = 'pk_live_0123456789abcdef0123456789';

// A store as version 0011 left it, with every secret it kept in the clear; then this version starts.
describe.each(storeKinds)('migration 0013 seals what earlier versions kept in the clear (%s)', (kind) => {
  const box = secretBox(randomBytes(32));
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (kind === 'postgres') {
      const pg = await createDatabase();
      store = openStore({ databaseUrl: pg.url, dataDir: '' });
      cleanup = pg.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'prolope-0013-'));
      store = openStore({ dataDir: dir });
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    const db = store.db as unknown as Kysely<unknown>;
    const to = await migrator(db).migrateTo('0011-carriers');
    expect(to.error).toBeUndefined();
    // Raw inserts: these are the columns as 0011 had them.
    await sql`insert into accounts (id, name, legal_entity, signatory, parent_account_id, status, is_operator, metadata, created_at, updated_at,
      test_clock_id, hold_suspension, hold_termination, terminated_on, billed_through, data_deleted_at)
      values ('acct_m', 'M', '{}', '{}', null, 'active', 0, '{}', ${at}, ${at}, null, 0, 0, null, null, null)`.execute(db);
    await sql`insert into webhook_endpoints (id, account_id, url, description, enabled_events, status, disabled_reason, failing_since,
      secret, previous_secret, previous_secret_expires_at, created_at, updated_at)
      values ('we_m', 'acct_m', 'https://example.com/h', null, '["*"]', 'enabled', null, null, ${current}, ${previous}, '2999-01-01T00:00:00.000Z', ${at}, ${at})`.execute(
      db,
    );
    const voice = JSON.stringify({ url: 'https://example.com/voice', method: 'POST', fallback_method: 'POST', signing_secret: voiceSecret });
    await sql`insert into phone_numbers (id, number, country, type, capabilities, monthly_price, setup_price, currency, status, account_id, source,
      quarantined_until, friendly_name, voice, sip_trunk_id, forwarding, purchased_at, created_at, updated_at)
      values ('pn_m', '+35929000099', 'BG', 'local', '["voice"]', '1.00', '0.00', 'EUR', 'assigned', 'acct_m', 'purchased',
      null, null, ${voice}, null, null, ${at}, ${at}, ${at})`.execute(db);
    await sql`insert into idempotency_keys (account_id, key, fingerprint, state, response_status, response_body, created_at)
      values ('acct_m', 'k1', 'f', 'done', 201, ${JSON.stringify({ secret: keySecret })}, ${at})`.execute(db);
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  it('refuses to run without the server key, before changing anything', async () => {
    await expect(migrateToLatest(store.db as never)).rejects.toThrow(/needs the server key/);
    const row = await sql<{ secret: string }>`select secret from webhook_endpoints`.execute(store.db);
    expect(row.rows[0]?.secret).toBe(current);
  });

  it('seals endpoint and voice signing secrets so the domains open them, and drops answers kept in the clear', async () => {
    await migrateToLatest(store.db as never, { secrets: box });
    const endpoint = await store.db.selectFrom('webhook_endpoints').selectAll().executeTakeFirstOrThrow();
    expect(endpoint.secret_sealed).toMatch(/^v1\./);
    expect(signingSecrets(endpoint, new Date(at), box)).toEqual([current, previous]);
    const number = await store.db.selectFrom('phone_numbers').selectAll().executeTakeFirstOrThrow();
    expect(number.voice).not.toContain(voiceSecret);
    expect(readVoice(box, number.id, number.voice)).toEqual({
      url: 'https://example.com/voice',
      method: 'POST',
      fallback_method: 'POST',
      signing_secret: voiceSecret,
    });
    expect(await store.db.selectFrom('idempotency_keys').selectAll().execute()).toEqual([]);
    const everything = JSON.stringify([endpoint, number]);
    for (const secret of [current, previous, voiceSecret]) expect(everything).not.toContain(secret.slice(6, 26));
  });
});
