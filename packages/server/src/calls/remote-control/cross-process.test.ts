import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireBuild, serverProcess } from '../../events/crash/server-process.js';
import { apiClient } from '../../test/api-client.js';
import { eventually, explain, rtpSink, scenario } from '../../test/call-fixtures.js';
import { accountBody } from '../../test/harness.js';
import { natsAvailable, natsUrl as NATS_URL } from '../../test/nats.js';
import { createDatabase, postgresAvailable } from '../../test/postgres.js';
import { connect as connectNats } from 'nats';
import pg from 'pg';
import { channelOf } from './pg-transport.js';
import { subjectOf } from './nats-transport.js';
import { freeUdpPort, requireSipp, runSipp, SIPP, type SippRun } from '../../test/sipp.js';

/**
 * Two built server processes on one fresh PostgreSQL database, as in production: SIPp calls into A,
 * live actions sent to B reach the call through A (over PostgreSQL LISTEN/NOTIFY, or NATS when NATS_URL
 * is set); once A is killed, B refuses them with 409 and, after A's lease, marks A's call failed.
 */
requireSipp('live actions across server processes');
const pgUp = await postgresAvailable();
/** The transports to test: NATS only where it answers (always in CI, PROLOPE_TEST_STRICT=1). */
const transports = (await natsAvailable()) ? (['postgres', 'nats'] as const) : (['postgres'] as const);

describe.skipIf(!SIPP || !pgUp).each(transports)('live actions across server processes (%s transport)', (transport) => {
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let a: ReturnType<typeof serverProcess>;
  let b: ReturnType<typeof serverProcess>;
  let viaA: ReturnType<typeof apiClient>;
  let urlA: string;
  let urlB: string;
  let sipPort: number;
  let app: Server;
  let appUrl: string;
  const dirs: string[] = [];
  const operatorKey = `pk_live_${randomBytes(20).toString('hex')}`;
  const leftRunning: Promise<SippRun>[] = [];
  const suffix = randomBytes(3).toString('hex');
  let customers = 0;
  /** Requests to A seen on the transport under test (a second listener on A's channel or subject). */
  const seen: string[] = [];
  let stopWatching: () => Promise<void> = async () => undefined;

  /** Listens where requests to A travel, so the test knows which transport carried them. */
  async function watchRequestsTo(node: string) {
    if (transport === 'nats') {
      const nc = await connectNats({ servers: NATS_URL });
      nc.subscribe(subjectOf(node), { callback: (_err, msg) => seen.push(msg.string()) });
      stopWatching = () => nc.close();
    } else {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      client.on('notification', (msg) => {
        if (msg.payload?.split(' ')[3] === 'q') seen.push(msg.payload);
      });
      await client.query(`listen "${channelOf(node)}"`);
      stopWatching = () => client.end();
    }
  }

  beforeAll(async () => {
    requireBuild();
    db = await createDatabase();
    app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ verb: 'pause', seconds: 20 }])));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}/voice`;
    sipPort = await freeUdpPort();
    const [portA, portB] = [await freePort(), await freePort()];
    const shared = {
      DATABASE_URL: db.url,
      // Processes sharing a database share the server key: it seals what travels between them too.
      PROLOPE_SECRET_KEY: randomBytes(32).toString('hex'),
      PROLOPE_OPERATOR_KEY: operatorKey,
      PROLOPE_TEST_NUMBERS: 'off',
      PROLOPE_RATE_LIMIT: '0',
      PROLOPE_LOG_LEVEL: 'warn',
      // Long enough that a busy test machine does not lose a live node's lease, short enough to wait for.
      PROLOPE_NODE_LEASE_SECONDS: '5',
      ...(transport === 'nats' ? { NATS_URL } : {}),
    };
    const dir = () => {
      const d = mkdtempSync(join(tmpdir(), 'prolope-xnode-'));
      dirs.push(d);
      return d;
    };
    a = serverProcess({ ...shared, PROLOPE_PORT: String(portA), PROLOPE_DATA_DIR: dir(), PROLOPE_SIP_PORT: String(sipPort), PROLOPE_NODE_ID: `a-${suffix}` });
    b = serverProcess({ ...shared, PROLOPE_PORT: String(portB), PROLOPE_DATA_DIR: dir(), PROLOPE_SIP: 'off', PROLOPE_NODE_ID: `b-${suffix}` });
    // A first: it migrates the fresh database.
    await a.start();
    await b.start();
    await watchRequestsTo(`a-${suffix}`);
    urlA = `http://127.0.0.1:${portA}`;
    urlB = `http://127.0.0.1:${portB}`;
    viaA = apiClient(urlA, operatorKey);
  }, 60_000);

  afterAll(async () => {
    await stopWatching();
    await b?.stop();
    await a?.kill();
    await Promise.all(leftRunning);
    await new Promise((r) => app?.close(r));
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 60_000);

  /** A customer of A's with a trunk from 127.0.0.1 and a number whose application only pauses; its clients on A and B. */
  async function customerWithNumber() {
    const res = await viaA.post('/v1/accounts', accountBody('Cross Process OOD'));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const key = res.body.initial_api_key.secret as string;
    const onA = apiClient(urlA, key);
    const n = ++customers;
    const from = `+3592987${n}001`;
    const number = `+3592987${n}002`;
    const inventory = [from, number].map((n) => ({ number: n, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }));
    expect((await viaA.post('/v1/number-inventory', { numbers: inventory })).status).toBeLessThan(300);
    for (const n of [from, number]) expect((await onA.post('/v1/numbers', { number: n })).status).toBe(201);
    expect((await onA.patch(`/v1/numbers/${number}`, { voice: { url: appUrl } })).status).toBe(200);
    const trunkUser = `xnode-${transport}-${n}-${process.pid}`;
    const trunk = await onA.post('/v1/sip-trunks', {
      name: 'PBX',
      allowed_ips: ['127.0.0.1'],
      allowed_caller_ids: [from],
      credentials: { username: trunkUser, password: 'pbx-Secret-2026' },
    });
    expect(trunk.status, JSON.stringify(trunk.body)).toBe(201);
    return { onB: apiClient(urlB, key), key, from, number, trunkUser };
  }

  /** A SIPp call into A (live-control.xml: it waits for our BYE); resolves once B lists it in progress. */
  async function callIntoA(c: Awaited<ReturnType<typeof customerWithNumber>>, sinkPort: number) {
    const running = runSipp(scenario('live-control.xml'), c.number, sipPort, [
      ...['-au', c.trunkUser, '-ap', 'pbx-Secret-2026', '-auth_uri', `${c.number}@127.0.0.1:${sipPort}`],
      ...['-set', 'from', c.from, '-set', 'rtpport', String(sinkPort), '-set', 'codec', '8'],
    ]);
    leftRunning.push(running);
    const call = await eventually(
      async () => ((await c.onB.get('/v1/calls?status=in_progress')).body.data as Array<Record<string, any>>)?.[0],
      (x) => x?.status === 'in_progress',
    );
    expect(call?.status).toBe('in_progress');
    return { id: call?.id as string, running };
  }

  it('sends say and hangup from B to the call A holds, and answers with A’s result', async () => {
    const c = await customerWithNumber();
    const sink = await rtpSink();
    try {
      const call = await callIntoA(c, sink.port);
      const said = await c.onB.post(`/v1/calls/${call.id}/actions/say`, { text: 'Sent to the other process and spoken by the one holding the call.' });
      expect(said.status, JSON.stringify(said.body)).toBe(200);
      expect(said.body).toMatchObject({ id: call.id, status: 'in_progress' });
      // A speaks: PCMA reaches the far end's RTP port.
      await eventually(
        async () => sink.pcma(),
        (n) => n >= 25,
      );
      expect(sink.pcma()).toBeGreaterThanOrEqual(25);
      const hungUp = await c.onB.post(`/v1/calls/${call.id}/actions/hangup`);
      expect(hungUp.status, JSON.stringify(hungUp.body)).toBe(200);
      expect(hungUp.body).toMatchObject({ id: call.id, status: 'completed', hangup_by: 'callee' });
      // Both went over the transport under test, sealed: the caller's key is not on the wire.
      expect(seen.length).toBe(2);
      expect(seen.join('\n')).not.toContain(c.key);
      // SIPp got our BYE: the scenario ran to its end.
      const run = await call.running;
      expect(run.code, explain(run)).toBe(0);
      // Ended: nothing to forward, B answers the same 409 as A.
      const late = await c.onB.post(`/v1/calls/${call.id}/actions/say`, { text: 'late' });
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('call_not_active');
    } finally {
      sink.socket.close();
    }
  }, 60_000);

  it('refuses actions with 409 once A is gone, and fails A’s call after its lease', async () => {
    const c = await customerWithNumber();
    const sink = await rtpSink();
    try {
      const call = await callIntoA(c, sink.port);
      await a.kill();
      const refused = await c.onB.post(`/v1/calls/${call.id}/actions/hangup`);
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body.code).toBe('call_not_active');
      expect(refused.body.detail).toContain(`a-${suffix}`);
      // B's sweep fails the call once A's lease (5 s) has run out.
      const failed = await eventually(
        async () => (await c.onB.get(`/v1/calls/${call.id}`)).body,
        (x) => x?.status === 'failed',
        600,
      );
      expect(failed).toMatchObject({ id: call.id, status: 'failed', hangup_by: 'system', hangup_cause: 'error' });
      expect(failed.hangup_reason).toMatchObject({ code: 'internal_error' });
      expect(failed.hangup_reason.message).toContain('lease ran out');
    } finally {
      sink.socket.close();
    }
  }, 60_000);
});
