import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endCall, markAnswered, openInboundCall } from '../calls/lifecycle.js';
import { systemClock } from '../clock.js';
import { ownNumber } from '../numbers/test-fixtures.js';
import { saveRecording } from '../recordings/service.js';
import { fileRecordingStore } from '../store/object-store.js';
import { accountBody, startTestServer, storeKinds, type TestServer } from '../test/harness.js';

/**
 * Issue 6's acceptance path in one run, on a test clock: a monthly invoice unpaid from its due date
 * (the 10th) makes the account past_due on the 11th, suspended on day 21 and terminated on day 31; on
 * day 29 of the retention the customer still exports its data (terms 13.3), and after day 30 the rows
 * and files are gone while the invoices stay.
 */
describe.each(storeKinds)('retention after termination, on a test clock (%s)', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-retention-'));
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(kind, { config: { dataDir, sipEnabled: false } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('past_due on the 11th, suspended on day 21, terminated on day 31, exported on retention day 29, deleted after day 30', async () => {
    const owner = await t.customer('Retention Owner');
    const plan = await owner.api.post('/v1/plans', { name: 'Monthly', currency: 'EUR', fee: 9_900 });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    const clock = await owner.api.post('/v1/test-clocks', { name: 'retention', frozen_time: '2027-01-01T09:00:00+02:00' });
    const created = await owner.api.post('/v1/accounts', { ...accountBody('Forgetful Ltd'), test_clock: clock.body.id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const accountId: string = created.body.id;
    const sub = t.client(created.body.initial_api_key.secret);
    expect((await owner.api.post('/v1/subscriptions', { account: accountId, plan: plan.body.id, protocol_signed_on: '2027-01-01' })).status).toBe(201);

    // Some of the customer's data: a contact, a webhook endpoint, a number and a call with a recording on disk.
    expect((await sub.post('/v1/contacts', { name: 'Mira Ivanova', email: 'mira@example.com', role: 'technical' })).status).toBe(201);
    expect((await sub.post('/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/prolope' })).status).toBe(201);
    const number = await ownNumber(t.operator, sub);
    const db = t.server.store.db;
    const deps = { db, clock: systemClock, secrets: t.server.secrets };
    const call = await openInboundCall(deps, {
      accountId,
      from: '+359888123456',
      to: number.number,
      sipCallId: `retention-${kind}`,
      trunkId: null,
      numberId: number.id,
    });
    await endCall(deps, await markAnswered(deps, call), { by: 'caller', cause: 'normal' });
    const recording = await saveRecording({ ...deps, recordings: fileRecordingStore(dataDir), publicUrl: t.url }, call, new Int16Array(8000).fill(1000));
    const wavPath = join(dataDir, 'recordings', accountId, `${recording.id}.wav`);
    expect(existsSync(wavPath)).toBe(true);

    const advance = async (date: string) => {
      const res = await owner.api.post(`/v1/test-clocks/${clock.body.id}/advance`, { frozen_time: `${date}T09:00:00+02:00` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (await owner.api.get(`/v1/accounts/${accountId}`)).body.status as string;
    };
    const [january] = (await owner.api.get(`/v1/invoices?account=${accountId}`)).body.data;
    expect(january).toMatchObject({ issue_date: '2027-01-01', due_date: '2027-01-10', status: 'open' });

    expect(await advance('2027-01-10')).toBe('active');
    expect(await advance('2027-01-11')).toBe('past_due');
    expect(await advance('2027-01-30')).toBe('past_due');
    expect(await advance('2027-01-31')).toBe('suspended');
    expect(await advance('2027-02-09')).toBe('suspended');
    expect(await advance('2027-02-10')).toBe('terminated');

    // The termination invoice billed the penalty through 10 Feb; the live figure stops there too.
    const frozen = (await owner.api.get(`/v1/invoices/${january.id}`)).body.penalty_accrued;
    // 0.2 % a day for 31 days, rounded half up to the cent, in integers only.
    expect(frozen).toBe(Number((BigInt(january.total) * 2n * 31n + 500n) / 1000n));

    // Day 29 of retention (terminated on 10 Feb): the customer's own key still exports everything.
    expect(await advance('2027-03-11')).toBe('terminated');
    expect((await owner.api.get(`/v1/invoices/${january.id}`)).body.penalty_accrued).toBe(frozen);
    expect((await sub.get('/v1/contacts')).body.code).toBe('account_terminated');
    const exported = await sub.post('/v1/exports', {});
    expect(exported.status, JSON.stringify(exported.body)).toBe(201);
    const download = await fetch(`${t.url}/v1/exports/${exported.body.id}/download`, {
      headers: { authorization: `Bearer ${created.body.initial_api_key.secret}` },
    });
    expect(download.status).toBe(200);
    const files = unzipSync(new Uint8Array(await download.arrayBuffer()));
    expect(JSON.parse(strFromU8(files['contacts.json'] as Uint8Array))).toMatchObject([{ email: 'mira@example.com' }]);
    expect(files[`recordings/${recording.id}.wav`]?.byteLength).toBeGreaterThan(16_000);
    const archivePath = join(dataDir, 'exports', accountId, `${exported.body.id}.zip`);
    expect(existsSync(archivePath)).toBe(true);

    // Day 30: still kept. Day 31: gone, rows and files.
    await advance('2027-03-12');
    expect((await db.selectFrom('accounts').select('data_deleted_at').where('id', '=', accountId).executeTakeFirstOrThrow()).data_deleted_at).toBeNull();
    expect(existsSync(wavPath)).toBe(true);
    await advance('2027-03-13');
    const account = await db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirstOrThrow();
    expect(account.data_deleted_at).not.toBeNull();
    expect(account.name).toBe('Deleted account');
    for (const table of ['contacts', 'webhook_endpoints', 'calls', 'recordings', 'api_keys', 'exports', 'events', 'subscriptions'] as const) {
      const rows = await db.selectFrom(table).select('id').where('account_id', '=', accountId).execute();
      expect(rows, table).toHaveLength(0);
    }
    expect(existsSync(wavPath)).toBe(false);
    expect(existsSync(archivePath)).toBe(false);
    // The number went back to the operator's stock, not to the deleted account.
    expect((await db.selectFrom('phone_numbers').select('account_id').where('id', '=', number.id).executeTakeFirstOrThrow()).account_id).toBeNull();
    // Accounting law keeps the invoices.
    expect((await db.selectFrom('invoices').select('id').where('account_id', '=', accountId).execute()).length).toBeGreaterThanOrEqual(2);
    // The parent still reads the (scrubbed, valid) account; the deleted key no longer authenticates.
    const after = await owner.api.get(`/v1/accounts/${accountId}`);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ name: 'Deleted account', status: 'terminated', terminated_on: '2027-02-10' });
    expect(JSON.stringify(after.body)).not.toContain('ivana@example.com');
    expect((await fetch(`${t.url}/v1/accounts/me`, { headers: { authorization: `Bearer ${created.body.initial_api_key.secret}` } })).status).toBe(401);
  });
});
