import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, rtpSink, scenario } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { createDatabase } from '../test/postgres.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';

/**
 * Two server processes' worth of servers on one PostgreSQL database, as in production: SIPp calls
 * into A, and live actions sent to B reach the call through A (B forwards them to the call's owner).
 */
requireSipp('live actions across server processes');

describe.skipIf(!SIPP || !storeKinds.includes('postgres'))('live actions across server processes (postgres)', () => {
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let a: TestServer;
  let b: TestServer;
  let app: Server;
  let appUrl: string;

  beforeAll(async () => {
    db = await createDatabase();
    // `sqlite` here only means the harness makes no database of its own: both use the shared one.
    // Processes sharing a database share the server key (what one seals, the other opens).
    const secretKey = randomBytes(32);
    a = await startTestServer('sqlite', { config: { databaseUrl: db.url, secretKey } });
    b = await startTestServer('sqlite', { config: { databaseUrl: db.url, secretKey, operatorKey: a.operatorKey, sipEnabled: false } });
    app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ verb: 'pause', seconds: 20 }])));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}/voice`;
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await new Promise((r) => app?.close(r));
    await db?.drop();
  });

  it('forwards say and hangup from the process without the call to the one carrying it', async () => {
    const c = await a.customer();
    const viaB = b.client(c.key);
    const from = '+35929870001';
    const number = '+35929870002';
    for (const n of [from, number]) {
      await a.operator.post('/v1/number-inventory', { numbers: [{ number: n, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }] });
      expect((await c.api.post('/v1/numbers', { number: n })).status).toBe(201);
    }
    await c.api.patch(`/v1/numbers/${number}`, { voice: { url: appUrl } });
    const trunk = await c.api.post('/v1/sip-trunks', {
      name: 'PBX',
      allowed_ips: ['127.0.0.1'],
      allowed_caller_ids: [from],
      credentials: { username: `multi-${process.pid}`, password: 'pbx-Secret-2026' },
    });
    expect(trunk.status).toBe(201);
    const sipPort = a.server.sipPort as number;
    const sink = await rtpSink();
    try {
      const running = runSipp(scenario('live-control.xml'), number, sipPort, [
        ...['-au', `multi-${process.pid}`, '-ap', 'pbx-Secret-2026', '-auth_uri', `${number}@127.0.0.1:${sipPort}`],
        ...['-set', 'from', from, '-set', 'rtpport', String(sink.port), '-set', 'codec', '8'],
      ]);
      const call = await eventually(
        async () => ((await viaB.get('/v1/calls')).body.data as Array<Record<string, any>>).find((x) => x.to === number),
        (x) => x?.status === 'in_progress',
      );
      expect(call?.status).toBe('in_progress');
      const said = await viaB.post(`/v1/calls/${call?.id}/actions/say`, { text: 'Forwarded from the other process.' });
      expect(said.status, JSON.stringify(said.body)).toBe(200);
      expect(said.body).toMatchObject({ id: call?.id, status: 'in_progress' });
      await eventually(
        async () => sink.pcma(),
        (n) => n >= 25,
      );
      expect(sink.pcma()).toBeGreaterThanOrEqual(25);
      const hungUp = await viaB.post(`/v1/calls/${call?.id}/actions/hangup`);
      expect(hungUp.status).toBe(200);
      expect(hungUp.body).toMatchObject({ id: call?.id, status: 'completed', hangup_by: 'callee' });
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
      // Ended: no owner to forward to, both processes answer the same 409.
      for (const client of [viaB, c.api]) expect((await client.post(`/v1/calls/${call?.id}/actions/say`, { text: 'late' })).body.code).toBe('call_not_active');
    } finally {
      sink.socket.close();
    }
  });
});
