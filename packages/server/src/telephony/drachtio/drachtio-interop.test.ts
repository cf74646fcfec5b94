import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, rtpSink, scenario } from '../../test/call-fixtures.js';
import { startTestServer, type TestServer } from '../../test/harness.js';
import { buyNumbers } from '../../numbers/test-fixtures.js';
import { pbxTrunk } from '../../test/pbx-fixtures.js';
import { freeUdpPort, runSipp, SIPP } from '../../test/sipp.js';
import { spawnCaptured } from '../../test/spawn-captured.js';
import { pbxCallArgs } from '../../test/call-suite.js';
import { type RtpengineDaemon, rtpengineBinary, startRtpengine } from './rtpengine-daemon.test-helper.js';

/**
 * The same SIPp scenarios as the embedded endpoint's, against a REAL drachtio-server (not the double):
 * either one the test starts (`PROLOPE_DRACHTIO_BIN`, a drachtio binary built from its public source) or
 * a running one (`DRACHTIO_HOST`, `DRACHTIO_PORT`, `DRACHTIO_SECRET`; its SIP must listen on
 * `DRACHTIO_SIP_PORT` of that host, default 5060). drachtio-server is in neither Debian nor npm and CI
 * does not build it, so without either the suite is skipped with a message, also under
 * PROLOPE_TEST_STRICT=1; with one set, it must pass.
 */
const bin = process.env.PROLOPE_DRACHTIO_BIN;
const running =
  process.env.DRACHTIO_HOST && process.env.DRACHTIO_PORT && process.env.DRACHTIO_SECRET
    ? { host: process.env.DRACHTIO_HOST, port: Number(process.env.DRACHTIO_PORT), secret: process.env.DRACHTIO_SECRET, sipPort: Number(process.env.DRACHTIO_SIP_PORT ?? 5060) }
    : undefined;
const rtpengine = rtpengineBinary();
const missing = !bin && !running ? 'neither PROLOPE_DRACHTIO_BIN nor DRACHTIO_HOST/DRACHTIO_PORT/DRACHTIO_SECRET is set' : !SIPP ? 'sipp is not installed' : !rtpengine ? 'rtpengine is not installed' : undefined;
if (missing) console.warn(`[drachtio interop] skipped: ${missing} (a real drachtio-server is needed; CI does not build one)`);

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no address');
  return address.port;
}

/**
 * A drachtio-server of ours: admin (control) port and SIP on loopback. It always reads a config file
 * (`--noconfig` only changes logging, v0.9.10), so it gets a minimal one.
 */
async function startDrachtio(binary: string): Promise<{ host: string; port: number; secret: string; sipPort: number; output(): string; stop(): Promise<void> }> {
  const port = await freeTcpPort();
  const sipPort = await freeUdpPort();
  const secret = `interop-${process.pid}`;
  const dir = await mkdtemp(join(tmpdir(), 'prolope-drachtio-'));
  const config = join(dir, 'drachtio.conf.xml');
  await writeFile(
    config,
    `<drachtio><admin port="${port}" secret="${secret}">127.0.0.1</admin><sip><contacts><contact>sip:127.0.0.1:${sipPort};transport=udp</contact></contacts></sip><logging><console/><loglevel>info</loglevel></logging></drachtio>\n`,
  );
  const { child, output, exited } = spawnCaptured(binary, ['-f', config]);
  // Ready once its SIP stack runs (it listens for apps before that).
  for (let i = 0; !output().includes('Starting sofia event loop'); i++) {
    if (child.exitCode !== null || i > 100) {
      child.kill('SIGKILL');
      throw new Error(`drachtio-server did not start (${binary}):\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: '127.0.0.1',
    port,
    secret,
    sipPort,
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe.skipIf(missing !== undefined)('the server on a real drachtio-server (SIPp as the PBX)', () => {
  let daemon: RtpengineDaemon;
  let drachtio: Awaited<ReturnType<typeof startDrachtio>> | undefined;
  let target: { host: string; port: number; secret: string; sipPort: number };
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  const username = `interop-${process.pid}`;
  const password = 'pbx-Secret-2026';
  const from = '+35928700001';
  const to = '+35928700002';
  const shared = '+35928700003';
  const delayed = '+35928700004';
  const held = '+35928700005';

  beforeAll(async () => {
    daemon = await startRtpengine(rtpengine as string, [38000, 38999], ['--delete-delay=0']);
    if (bin) drachtio = await startDrachtio(bin);
    target = running ?? (drachtio as NonNullable<typeof drachtio>);
    t = await startTestServer('sqlite', {
      config: {
        telephony: 'drachtio',
        drachtio: { host: target.host, port: target.port, secret: target.secret },
        rtpengine: { host: '127.0.0.1', port: daemon.ngPort },
        rtpPortRange: [39000, 39399],
      },
    });
    c = await t.customer();
    await buyNumbers(t.operator, c.api, [from, to, shared, delayed, held]);
    await pbxTrunk(c.api, { username, password, callerIds: [from], name: 'PBX behind a real drachtio-server' });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await drachtio?.stop();
    await daemon?.stop();
  });

  it('answers OPTIONS 200', async () => {
    const run = await runSipp(fileURLToPath(new URL('../sip/test-scenarios/options.xml', import.meta.url)), 'options', target.sipPort);
    expect(run.code, `${explain(run)}\n${drachtio?.output().slice(-3000) ?? ''}`).toBe(0);
  });

  it('answers an authorized PCMA call with 183 and 200, plays the greeting as 20 ms PCMA through rtpengine, keeps a CDR', async () => {
    const sink = await rtpSink();
    try {
      const run = await runSipp(
        scenario('inbound-greeting.xml'),
        to,
        target.sipPort,
        pbxCallArgs(to, { sipPort: target.sipPort, username, password, from, rtpport: sink.port, codec: '8' }),
      );
      expect(run.code, `${explain(run)}\n${drachtio?.output().slice(-3000) ?? ''}`).toBe(0);
      const audio = sink.packets.filter((p) => p.pt === 8);
      expect(audio.length).toBeGreaterThan(100);
    } finally {
      sink.socket.close();
    }
    const call = await eventually(
      async () => ((await c.api.get('/v1/calls')).body.data as Array<Record<string, any>>).find((x) => x.to === to),
      (x) => x?.ended_at != null,
    );
    expect(call).toMatchObject({ direction: 'inbound', from, to, status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
  });

  it('gives concurrent calls (10, or PROLOPE_INTEROP_SHARED_CALLS) whose offers share one media address each their own media (one greeting stream per call, by SSRC) and CDR', async () => {
    const n = Number(process.env.PROLOPE_INTEROP_SHARED_CALLS ?? 10);
    // One socket for all the calls' offers, as PBXs behind one NAT offer one public address.
    const sink = createSocket('udp4');
    const streams = new Map<number, number>();
    sink.on('message', (m) => {
      if (m.length < 12 || m[0]! >> 6 !== 2 || (m[1]! & 0x7f) !== 8) return;
      const ssrc = m.readUInt32BE(8);
      streams.set(ssrc, (streams.get(ssrc) ?? 0) + 1);
    });
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    try {
      const args = pbxCallArgs(shared, { sipPort: target.sipPort, username, password, from, rtpport: sink.address().port, codec: '8' });
      // One SIPp placing the n calls at up to 50 calls/s, each with its own Call-ID and tags.
      const rate = String(Math.min(n, 50));
      const run = await runSipp(scenario('inbound-greeting.xml'), shared, target.sipPort, [...args, '-m', String(n), '-l', String(n), '-r', rate]);
      expect(run.code, explain(run)).toBe(0);
    } finally {
      sink.close();
    }
    expect(streams.size).toBe(n);
    for (const count of streams.values()) expect(count).toBeGreaterThan(100);
    const calls = await eventually(
      async () => ((await c.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>).filter((x) => x.to === shared),
      (list) => list.length === n && list.every((x) => x.ended_at != null),
    );
    expect(new Set(calls.map((x) => x.sip_call_id)).size).toBe(n);
    for (const call of calls) expect(call).toMatchObject({ status: 'completed', sip_code: 200, hangup_by: 'callee' });
  });

  it('answers an INVITE without SDP (delayed offer): rtpengine’s offer in the 200, the answer in the ACK, the greeting as PCMA there', async () => {
    const sink = await rtpSink();
    try {
      const run = await runSipp(
        scenario('inbound-delayed-offer.xml'),
        delayed,
        target.sipPort,
        pbxCallArgs(delayed, { sipPort: target.sipPort, username, password, from, rtpport: sink.port }),
      );
      expect(run.code, `${explain(run)}\n${drachtio?.output().slice(-3000) ?? ''}`).toBe(0);
      expect(sink.packets.filter((p) => p.pt === 8).length).toBeGreaterThan(100);
    } finally {
      sink.socket.close();
    }
    const call = await eventually(
      async () => ((await c.api.get('/v1/calls')).body.data as Array<Record<string, any>>).find((x) => x.to === delayed),
      (x) => x?.ended_at != null,
    );
    expect(call).toMatchObject({ status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
  });

  it('takes a hold re-INVITE (a=sendonly → a=recvonly in the 200) and the resume (a=sendrecv) through rtpengine', async () => {
    const sink = await rtpSink();
    try {
      const run = await runSipp(
        scenario('inbound-hold.xml'),
        held,
        target.sipPort,
        pbxCallArgs(held, { sipPort: target.sipPort, username, password, from, rtpport: sink.port, codec: '8' }),
      );
      expect(run.code, `${explain(run)}\n${drachtio?.output().slice(-3000) ?? ''}`).toBe(0);
    } finally {
      sink.socket.close();
    }
    // A prompt while the caller holds passes in silence (rtpengine will not play to it): the call goes on.
    const call = await eventually(
      async () => ((await c.api.get('/v1/calls')).body.data as Array<Record<string, any>>).find((x) => x.to === held),
      (x) => x?.ended_at != null,
    );
    expect(call).toMatchObject({ status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
  });

  it('refuses as the embedded endpoint does: 488 for only PCMU, 404 for a number not held, 403 for a caller ID not allowed and for a wrong password', async () => {
    const sipp = (file: string, number: string, extra: string[]) => runSipp(scenario(file), number, target.sipPort, extra);
    const auth = (number: string, o: { codec?: string; password?: string } = {}) =>
      pbxCallArgs(number, { sipPort: target.sipPort, username, password: o.password ?? password, from, rtpport: 40000, codec: o.codec ?? '8' });
    const runs = [
      await sipp('inbound-auth-488.xml', to, auth(to, { codec: '0' })),
      await sipp('inbound-auth-404.xml', '+35928700099', auth('+35928700099')),
      await sipp('inbound-refused.xml', to, ['-set', 'from', '+35928700098']),
      // Last: a failed authentication counts towards a ban of 127.0.0.1.
      await sipp('inbound-auth-403.xml', to, auth(to, { password: 'not-the-password' })),
    ];
    for (const run of runs) expect(run.code, `${explain(run)}\n${drachtio?.output().slice(-3000) ?? ''}`).toBe(0);
  });
});
