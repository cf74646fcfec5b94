import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, requireBuild, serverProcess } from '../events/crash/server-process.js';
import { startReceiver, verifyOfficially } from '../events/delivery/test-receiver.js';
import { apiClient } from '../test/api-client.js';
import { eventually, scenario } from '../test/call-fixtures.js';
import { accountBody, storeKinds } from '../test/harness.js';
import { createDatabase } from '../test/postgres.js';
import { freeUdpPort, requireSipp, SIPP, startSippUas } from '../test/sipp.js';

requireSipp('status callbacks across a kill');

/**
 * The built server, killed (SIGKILL: no shutdown hook) while it sends a call's first status, and started
 * again on the same store: the statuses stored before the kill still reach the receiver, in order,
 * signed. On PostgreSQL the delivery the dead process held goes out again once its lock (25 s) passes.
 */
describe.skipIf(!SIPP).each(storeKinds)('status callbacks survive a kill (%s)', (kind) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  });

  it('sends the statuses stored before the kill after the restart, the cut-off one again, in order', async () => {
    requireBuild();
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-status-kill-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    if (pg) cleanups.push(pg.drop);
    const carrierPort = await freeUdpPort();
    const port = await freePort();
    const operatorKey = `pk_live_${randomBytes(20).toString('hex')}`;
    const server = serverProcess({
      PROLOPE_PORT: String(port),
      PROLOPE_HOST: '127.0.0.1',
      PROLOPE_DATA_DIR: dataDir,
      DATABASE_URL: pg?.url ?? '',
      PROLOPE_OPERATOR_KEY: operatorKey,
      PROLOPE_SECRET_KEY: randomBytes(32).toString('hex'),
      PROLOPE_SIP_PORT: String(await freeUdpPort()),
      PROLOPE_SIP_HOST: '127.0.0.1',
      PROLOPE_CARRIER_URI: `sip:127.0.0.1:${carrierPort}`,
      PROLOPE_TEST_NUMBERS: 'off',
      PROLOPE_RATE_LIMIT: '0',
      PROLOPE_LOG_LEVEL: 'error',
      // Development mode: the receiver is on loopback.
      NODE_ENV: 'test',
    });
    cleanups.push(server.kill);
    await server.start();
    const base = `http://127.0.0.1:${port}`;
    const operator = apiClient(base, operatorKey);
    const created = await operator.post('/v1/accounts', accountBody('Status Kill'));
    expect(created.status).toBe(201);
    const api = apiClient(base, created.body.initial_api_key.secret);
    const from = '+35929870001';
    expect(
      (await operator.post('/v1/number-inventory', { numbers: [{ number: from, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }] }))
        .status,
    ).toBe(201);
    expect((await api.post('/v1/numbers', { number: from })).status).toBe(201);
    const voice = await api.patch(`/v1/numbers/${from}`, { voice: { url: 'https://example.com/voice' } });
    const secret = voice.body.voice.signing_secret as string;

    // The receiver never answers the first request: the server is killed while it waits.
    let arrived: () => void = () => undefined;
    const firstArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    receiver.on('/status', () => {
      arrived();
      return new Promise(() => undefined);
    });
    const busy = await startSippUas(scenario('outbound-uas-busy.xml'), [], carrierPort);
    const call = await api.post('/v1/calls', { from, to: '+35929870002', instructions: [{ verb: 'hangup' }], status_callback_url: receiver.url('/status') });
    expect(call.status, JSON.stringify(call.body)).toBe(201);
    await busy.done;
    const ended = await eventually(
      async () => (await api.get(`/v1/calls/${call.body.id}`)).body.status as string,
      (s) => s === 'busy',
    );
    expect(ended).toBe('busy');
    await firstArrived;
    await server.kill();

    receiver.on('/status', () => ({ status: 204 }));
    await server.start();
    const types = () => receiver.at('/status').map((r) => (JSON.parse(r.body) as { type: string }).type);
    // Bounded by the PostgreSQL claim's lock (25 s) plus a poll: up to 40 s.
    await eventually(
      async () => types(),
      (t) => t.length >= 3,
      800,
    );
    expect(types()).toEqual(['call.initiated', 'call.initiated', 'call.completed']);
    const stored = (await api.get(`/v1/events?object_id=${call.body.id}`)).body.data as Array<{ id: string }>;
    expect(
      receiver
        .at('/status')
        .slice(1)
        .map((r) => r.headers['webhook-id']),
    ).toEqual(stored.map((e) => e.id).reverse());
    for (const r of receiver.at('/status').slice(1)) expect(() => verifyOfficially(r, secret, new Date())).not.toThrow();
  }, 90_000);
});
