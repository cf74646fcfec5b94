import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallRuntime } from './calls/call-runtime.js';
import type { CallCreateInput } from './calls/outbound.js';
import { systemClock } from './clock.js';
import { loadConfig } from './config.js';
import { startTestServer, storeKinds, type TestServer } from './test/harness.js';
import { ThisNode } from './this-node.js';
import { buildVoice } from './voice.js';

const from = '+35928600900';
const call: CallCreateInput = {
  from,
  to: '+35929990007',
  instructions: [{ verb: 'hangup' }],
  timeout_seconds: 30,
  method: 'POST',
  fallback_method: 'POST',
  status_callback_events: ['completed'],
};

/**
 * The voice side is built whole before the API and placing calls waits for its start: a POST /v1/calls
 * in the moment between listen and SIP start, or during shutdown, is refused (no_route), never dialled
 * on an unbound socket.
 */
describe.each(storeKinds)('voice side built in one pass (%s)', (kind) => {
  let t: TestServer;
  let accountId: string;
  let key: string;
  let dataDir: string;

  beforeAll(async () => {
    // SIP off in the server itself: the voice side under test is the one built below.
    t = await startTestServer(kind, { config: { sipEnabled: false, carrierUri: 'sip:127.0.0.1:9' } });
    dataDir = mkdtempSync(join(tmpdir(), 'prolope-voice-'));
    const cust = await t.customer();
    accountId = cust.accountId;
    key = cust.key;
    const stocked = await t.operator.post('/v1/number-inventory', {
      numbers: [{ number: from, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
    });
    expect(stocked.status).toBe(201);
    expect((await cust.api.post('/v1/numbers', { number: from })).status).toBe(201);
  });

  afterAll(async () => {
    await t?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('with SIP off, routes the call (a carrier is set) and then refuses it: no_route, SIP is off', async () => {
    const res = await t.client(key).post('/v1/calls', call);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('no_route');
    expect(res.body.detail).toContain('PROLOPE_SIP=off');
  });

  it('refuses calls before start and after stop with no_route, and starts and stops cleanly', async () => {
    const config = loadConfig({}, { dataDir, sipPort: 0, sipHost: '127.0.0.1', carrierUri: 'sip:127.0.0.1:9' });
    const db = t.server.store.db;
    const voice = buildVoice({
      config,
      db,
      handlersDb: db,
      clock: systemClock,
      log: pino({ enabled: false }),
      secrets: t.server.secrets,
      runtime: createCallRuntime(),
      node: new ThisNode(),
    });
    const refused = async () => {
      const err = await voice.outbound.create(accountId, call).then(
        () => undefined,
        (e: unknown) => e as { code?: string; message?: string },
      );
      return { code: err?.code, detail: err?.message };
    };
    expect(await refused()).toEqual({ code: 'no_route', detail: expect.stringContaining('starting or shutting down') });
    const { sipPort } = await voice.start();
    expect(sipPort).toBeGreaterThan(0);
    await voice.stop();
    expect(await refused()).toEqual({ code: 'no_route', detail: expect.stringContaining('starting or shutting down') });
    // Nothing was written for the refused calls.
    const calls = await db.selectFrom('calls').select('id').where('account_id', '=', accountId).execute();
    expect(calls).toEqual([]);
  });
});
