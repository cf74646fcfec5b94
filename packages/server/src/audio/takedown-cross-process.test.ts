import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requireBuild, serverProcess } from '../events/crash/server-process.js';
import { apiClient } from '../test/api-client.js';
import { eventually, explain, rtpPeer, scenario } from '../test/call-fixtures.js';
import { accountBody } from '../test/harness.js';
import { createDatabase, postgresAvailable } from '../test/postgres.js';
import { freeUdpPort, requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { CLAIMED_HZ, NEXT_HZ, toneIn, toneWav } from './live-prompt-fixtures.js';

/**
 * Terms 10.3 with several server processes on one PostgreSQL database: SIPp calls into A, whose call
 * plays a stored prompt; the operator takes the prompt down through B. B sends the takedown on to A
 * (the remote-control transport), and the prompt stops on A's call.
 */
requireSipp('audio takedown across server processes');
const pgUp = await postgresAvailable();

describe.skipIf(!SIPP || !pgUp)('audio takedown across server processes', () => {
  let db: Awaited<ReturnType<typeof createDatabase>>;
  let a: ReturnType<typeof serverProcess>;
  let b: ReturnType<typeof serverProcess>;
  let app: Server;
  let appUrl: string;
  let sipPort: number;
  let urlA: string;
  let urlB: string;
  let verbs: unknown[] = [];
  const dirs: string[] = [];
  const operatorKey = `pk_live_${randomBytes(20).toString('hex')}`;
  const suffix = randomBytes(3).toString('hex');

  beforeAll(async () => {
    requireBuild();
    db = await createDatabase();
    app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verbs)));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}/voice`;
    sipPort = await freeUdpPort();
    const [portA, portB] = [await freePort(), await freePort()];
    const shared = {
      DATABASE_URL: db.url,
      PROLOPE_SECRET_KEY: randomBytes(32).toString('hex'),
      PROLOPE_OPERATOR_KEY: operatorKey,
      PROLOPE_TEST_NUMBERS: 'off',
      PROLOPE_RATE_LIMIT: '0',
      PROLOPE_LOG_LEVEL: 'warn',
      PROLOPE_NODE_LEASE_SECONDS: '5',
    };
    const dir = () => {
      const d = mkdtempSync(join(tmpdir(), 'prolope-audio-xnode-'));
      dirs.push(d);
      return d;
    };
    a = serverProcess({ ...shared, PROLOPE_PORT: String(portA), PROLOPE_DATA_DIR: dir(), PROLOPE_SIP_PORT: String(sipPort), PROLOPE_NODE_ID: `a-${suffix}` });
    b = serverProcess({ ...shared, PROLOPE_PORT: String(portB), PROLOPE_DATA_DIR: dir(), PROLOPE_SIP: 'off', PROLOPE_NODE_ID: `b-${suffix}` });
    await a.start();
    await b.start();
    urlA = `http://127.0.0.1:${portA}`;
    urlB = `http://127.0.0.1:${portB}`;
  }, 60_000);

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await new Promise((r) => app?.close(r));
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it('stops the prompt on the call A carries when the operator takes it down through B', async () => {
    const operatorA = apiClient(urlA, operatorKey);
    const account = await operatorA.post('/v1/accounts', accountBody('Audio Cross Process OOD'));
    expect(account.status, JSON.stringify(account.body)).toBe(201);
    const onA = apiClient(urlA, account.body.initial_api_key.secret as string);
    const [from, number] = ['+35929861001', '+35929861002'];
    const inventory = [from, number].map((n) => ({ number: n, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }));
    expect((await operatorA.post('/v1/number-inventory', { numbers: inventory })).status).toBeLessThan(300);
    for (const n of [from, number]) expect((await onA.post('/v1/numbers', { number: n })).status).toBe(201);
    expect((await onA.patch(`/v1/numbers/${number}`, { voice: { url: appUrl } })).status).toBe(200);
    const trunkUser = `audio-xnode-${process.pid}`;
    const trunk = await onA.post('/v1/sip-trunks', { name: 'PBX', allowed_ips: ['127.0.0.1'], allowed_caller_ids: [from], credentials: { username: trunkUser, password: 'pbx-Secret-2026' } });
    expect(trunk.status, JSON.stringify(trunk.body)).toBe(201);
    // Uploaded through A: with separate data folders the file is where A's calls read it.
    const claimed = await onA.post('/v1/audio', { name: 'long', content_base64: toneWav(CLAIMED_HZ, 40), rights_declaration: { accepted: true } });
    const next = await onA.post('/v1/audio', { name: 'next', content_base64: toneWav(NEXT_HZ, 3), rights_declaration: { accepted: true } });
    expect([claimed.status, next.status]).toEqual([201, 201]);
    verbs = [
      { verb: 'play', audio_id: claimed.body.id },
      { verb: 'play', audio_id: next.body.id },
      { verb: 'pause', seconds: 30 },
    ];

    const peer = await rtpPeer();
    try {
      const running = runSipp(scenario('live-control.xml'), number, sipPort, [
        ...['-au', trunkUser, '-ap', 'pbx-Secret-2026', '-auth_uri', `${number}@127.0.0.1:${sipPort}`],
        ...['-set', 'from', from, '-set', 'rtpport', String(peer.port), '-set', 'codec', '8'],
      ]);
      const heard = () => peer.packets.filter((p) => p.pt === 8).map((p) => toneIn(p.payload));
      await eventually(
        async () => heard().filter((x) => x === 'claimed').length,
        (n) => n >= 50,
      );
      const res = await apiClient(urlB, operatorKey).post(`/v1/audio/${claimed.body.id}/take-down`, { reason: 'Claim received by the other process' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.status).toBe('taken_down');
      await eventually(
        async () => heard().filter((x) => x === 'next').length,
        (n) => n >= 25,
      );
      const after = heard();
      expect(after.slice(after.indexOf('next')).filter((x) => x === 'claimed')).toEqual([]);
      expect(after.filter((x) => x === 'claimed').length).toBeLessThan(2000);

      const call = ((await onA.get('/v1/calls?status=in_progress')).body.data as Array<{ id: string }>)[0];
      expect((await onA.post(`/v1/calls/${call?.id}/actions/hangup`)).status).toBe(200);
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
    } finally {
      peer.socket.close();
    }
  });
});
