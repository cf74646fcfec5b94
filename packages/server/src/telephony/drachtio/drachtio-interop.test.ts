import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, rtpSink, scenario } from '../../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../../test/harness.js';
import { buyNumbers } from '../../numbers/test-fixtures.js';
import { pbxTrunk } from '../../test/pbx-fixtures.js';
import { freeUdpPort, runSipp, startSippUas } from '../../test/sipp.js';
import { pbxCallArgs, type VoiceApplication, voiceApplication } from '../../test/call-suite.js';
import { bin, missing, rtpengine, running, startDrachtio } from './drachtio-binary.test-helper.js';
import { type RtpengineDaemon, startRtpengine } from './rtpengine-daemon.test-helper.js';

/**
 * The same SIPp scenarios as the embedded endpoint's, against a REAL drachtio-server (not the double):
 * either one the test starts (`PROLOPE_DRACHTIO_BIN`, a drachtio binary built from its public source) or
 * a running one (`DRACHTIO_HOST`, `DRACHTIO_PORT`, `DRACHTIO_SECRET`; its SIP must listen on
 * `DRACHTIO_SIP_PORT` of that host, default 5060). drachtio-server is in neither Debian nor npm and CI
 * does not build it, so without either the suite is skipped with a message, also under
 * PROLOPE_TEST_STRICT=1; with one set, it must pass.
 */
if (missing) console.warn(`[drachtio interop] skipped: ${missing} (a real drachtio-server is needed; CI does not build one)`);

// About as long as the default greeting (a few seconds of speech): the delayed-offer call's prompt.
const GREETING = 'Hello from Prolope. This call came without an offer, so our offer went in the answer. Goodbye.';

// On both stores: the CDRs written under load (100 calls at 50 calls/s) are the store's work too.
describe.skipIf(missing !== undefined).each(storeKinds)('the server on a real drachtio-server (SIPp as the PBX, %s)', (kind) => {
  let daemon: RtpengineDaemon;
  let drachtio: Awaited<ReturnType<typeof startDrachtio>> | undefined;
  let target: { host: string; port: number; secret: string; sipPort: number };
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let app: VoiceApplication;
  // A voice application that never answers: the call stays in early media (183) until the test is done with it.
  let slowApp: Server;
  const heldRequests: Array<() => void> = [];
  let carrierPort: number;
  const username = `interop-${process.pid}`;
  const password = 'pbx-Secret-2026';
  const from = '+35928700001';
  const to = '+35928700002';
  const shared = '+35928700003';
  const delayed = '+35928700004';
  const held = '+35928700005';
  const slow = '+35928700006';
  const waiting = '+35928700007';
  const RTPENGINE_PORTS: [number, number] = [38000, 38999];

  beforeAll(async () => {
    daemon = await startRtpengine(rtpengine as string, RTPENGINE_PORTS, ['--delete-delay=0']);
    if (bin) drachtio = await startDrachtio(bin);
    target = running ?? (drachtio as NonNullable<typeof drachtio>);
    carrierPort = await freeUdpPort();
    t = await startTestServer(kind, {
      config: {
        telephony: 'drachtio',
        drachtio: { host: target.host, port: target.port, secret: target.secret },
        // Asked every second, so the rtpengine tests see it lost within seconds (100 calls: 100 queries/s).
        rtpengine: { host: '127.0.0.1', port: daemon.ngPort, checkIntervalMs: 1000 },
        rtpPortRange: [39000, 39599],
        // Outbound calls leave through drachtio-server to a SIPp UAS playing the carrier.
        carrierUri: `sip:127.0.0.1:${carrierPort}`,
      },
    });
    c = await t.customer();
    app = await voiceApplication();
    slowApp = createHttpServer((req) => {
      req.resume();
      heldRequests.push(() => req.socket.destroy());
    });
    await new Promise<void>((resolve) => slowApp.listen(0, '127.0.0.1', resolve));
    await buyNumbers(t.operator, c.api, [from, to, shared, delayed, held, slow, waiting]);
    await pbxTrunk(c.api, { username, password, callerIds: [from], name: 'PBX behind a real drachtio-server' });
    const slowUrl = `http://127.0.0.1:${(slowApp.address() as { port: number }).port}/voice`;
    expect((await c.api.patch(`/v1/numbers/${slow}`, { voice: { url: slowUrl } })).status).toBe(200);
    app.routes.set('/voice/wait', [{ verb: 'pause', seconds: 60 }]);
    expect((await c.api.patch(`/v1/numbers/${waiting}`, { voice: { url: `${app.base}/voice/wait` } })).status).toBe(200);
    app.routes.set('/voice/delayed', [{ verb: 'say', text: GREETING }]);
    expect((await c.api.patch(`/v1/numbers/${delayed}`, { voice: { url: `${app.base}/voice/delayed` } })).status).toBe(200);
  }, 30_000);
  afterAll(async () => {
    for (const release of heldRequests) release();
    await t?.close();
    await drachtio?.stop();
    await daemon?.stop();
    await new Promise((r) => app?.server.close(r));
    await new Promise((r) => slowApp?.close(r));
  });

  const callsTo = async (number: string) => ((await c.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>).filter((x) => x.to === number);
  const eventTypes = async (id: string) =>
    (await t.server.store.db.selectFrom('events').select('type').where('object_id', '=', id).orderBy('id').execute()).map((e) => e.type);
  const drachtioLog = () => drachtio?.output().slice(-3000) ?? '';

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

  it('gives 100 calls (or PROLOPE_INTEROP_SHARED_CALLS) at 50 calls/s whose offers share one media address each their own media (one whole greeting per call, by SSRC and content) and CDR', async () => {
    const n = Number(process.env.PROLOPE_INTEROP_SHARED_CALLS ?? 100);
    // One socket for all the calls' offers, as PBXs behind one NAT offer one public address; 5000
    // packets a second, so a large receive buffer (a busy test process must not drop them itself).
    const sink = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    const streams = new Map<number, { seqs: number[]; payloads: Buffer[] }>();
    sink.on('message', (m) => {
      if (m.length < 12 || m[0]! >> 6 !== 2 || (m[1]! & 0x7f) !== 8) return;
      const ssrc = m.readUInt32BE(8);
      const stream = streams.get(ssrc) ?? { seqs: [], payloads: [] };
      stream.seqs.push(m.readUInt16BE(2));
      stream.payloads.push(Buffer.from(m.subarray(12)));
      streams.set(ssrc, stream);
    });
    await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
    try {
      const args = pbxCallArgs(shared, { sipPort: target.sipPort, username, password, from, rtpport: sink.address().port, codec: '8' });
      // One SIPp placing the n calls at up to 50 calls/s, each with its own Call-ID and tags.
      const rate = String(Math.min(n, 50));
      const run = await runSipp(scenario('inbound-greeting.xml'), shared, target.sipPort, [...args, '-m', String(n), '-l', String(n), '-r', rate]);
      expect(run.code, `${explain(run)}\n${drachtioLog()}`).toBe(0);
    } finally {
      sink.close();
    }
    // One stream per call, each the greeting once: no other call's packets mixed in (its own SSRC, its
    // own sequence), not cut short by another call's teardown, not played twice by a second offer. UDP
    // on a loaded machine may lose or reorder a packet: each stream, put in sequence order as a
    // receiver's jitter buffer does, must be the greeting with at most 2 % of it missing, no packet twice
    // and nothing that is not the greeting.
    expect(streams.size).toBe(n);
    let reordered = 0;
    const ordered = [...streams.values()].map(({ seqs, payloads }) => {
      // Sequence numbers relative to the first packet's (one arriving late before it counts negative).
      const rel = seqs.map((seq) => {
        const d = (seq - seqs[0]! + 65536) % 65536;
        return d >= 32768 ? d - 65536 : d;
      });
      reordered += rel.filter((x, i) => i > 0 && x < Math.max(...rel.slice(0, i))).length;
      const packets = rel.map((seq, i) => ({ seq, payload: payloads[i]! })).sort((x, y) => x.seq - y.seq);
      const gaps = packets.slice(1).reduce((sum, p, i) => sum + p.seq - packets[i]!.seq - 1, 0);
      return { packets, gaps };
    });
    const reference = ordered.filter((x) => x.gaps === 0).sort((x, y) => y.packets.length - x.packets.length)[0];
    expect(reference, 'no call heard its greeting without a gap').toBeDefined();
    const greeting = reference?.packets.map((p) => p.payload) ?? [];
    let missing = 0;
    for (const { packets, gaps } of ordered) {
      for (let i = 1; i < packets.length; i++) expect(packets[i]!.seq, 'a packet twice').toBeGreaterThan(packets[i - 1]!.seq);
      missing += gaps;
      expect(packets.length).toBeLessThanOrEqual(greeting.length);
      // Cut short: the call ended before rtpengine finished its `play media` (it plays late under load,
      // and our hangup follows the duration it reported), or another call's teardown took its session.
      expect(packets.length, `a greeting cut short: ${packets.length} of ${greeting.length} packets`).toBeGreaterThanOrEqual(
        Math.floor(greeting.length * 0.98),
      );
      // The stream's payloads, in order, are the greeting's with at most a few left out.
      let j = 0;
      for (const { payload } of packets) {
        while (j < greeting.length && !greeting[j]!.equals(payload)) j++;
        expect(j, 'a packet that is not the next part of the greeting').toBeLessThan(greeting.length);
        j++;
      }
    }
    console.info(
      `[drachtio interop] ${n} calls sharing one media address: ${greeting.length} packets each, ${missing} of ${n * greeting.length} lost, ${reordered} out of order`,
    );
    const calls = await eventually(
      () => callsTo(shared),
      (list) => list.length === n && list.every((x) => x.ended_at != null),
    );
    expect(new Set(calls.map((x) => x.sip_call_id)).size).toBe(n);
    for (const call of calls) expect(call).toMatchObject({ status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
  }, 120_000);

  it('answers an INVITE without SDP (delayed offer): rtpengine’s offer in the 200, the answer in the ACK, the greeting as PCMA there; the call stays `ringing` (no 183) until the answer', async () => {
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
    // The voice application, asked before the answer, saw the call as it was: ringing, not in early media.
    const asked = app.requests.filter((r) => r.path === '/voice/delayed');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.body).toMatchObject({ call_id: call?.id, status: 'ringing' });
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

  it('places an outbound call (POST /v1/calls) through drachtio-server: full E.164 Request-URI, answered, the prompt as 20 ms PCMA through rtpengine, our BYE, a CDR', async () => {
    const callee = '+35929990001';
    const media = await rtpSink();
    try {
      const uas = await startSippUas(scenario('outbound-uas.xml'), ['-set', 'rtpport', String(media.port), '-set', 'touser', callee], carrierPort);
      const res = await c.api.post('/v1/calls', { from, to: callee, instructions: [{ verb: 'say', text: 'Hello from Prolope, through drachtio.' }] });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const run = await uas.done;
      expect(run.code, `${explain(run)}\n${drachtioLog()}`).toBe(0);
      const call = await eventually(
        async () => (await c.api.get(`/v1/calls/${res.body.id}`)).body as Record<string, any>,
        (x) => x.ended_at != null,
      );
      expect(call).toMatchObject({ direction: 'outbound', from, to: callee, status: 'completed', sip_code: 200, hangup_by: 'caller', hangup_cause: 'normal' });
      expect(call.answered_at).not.toBeNull();
      expect(await eventTypes(call.id)).toEqual(['call.initiated', 'call.ringing', 'call.answered', 'call.completed']);
      // The prompt: all PCMA, each packet 160 samples (20 ms) after the one before within the stream.
      expect(media.packets.length).toBeGreaterThan(25);
      expect(new Set(media.packets.map((p) => p.pt))).toEqual(new Set([8]));
      for (let i = 1; i < media.packets.length; i++) expect((media.packets[i]!.seq - media.packets[i - 1]!.seq + 65536) % 65536).toBe(1);
    } finally {
      media.socket.close();
    }
  });

  it('answers a CANCEL after the 183 with 200 and the INVITE with 487, and ends the CDR as canceled', async () => {
    const sink = await rtpSink();
    try {
      const run = await runSipp(
        scenario('inbound-cancel.xml'),
        slow,
        target.sipPort,
        pbxCallArgs(slow, { sipPort: target.sipPort, username, password, from, rtpport: sink.port, codec: '8' }),
      );
      expect(run.code, `${explain(run)}\n${drachtioLog()}`).toBe(0);
    } finally {
      sink.socket.close();
    }
    const [call] = await eventually(
      () => callsTo(slow),
      (list) => list.length === 1 && list[0]?.ended_at != null,
    );
    expect(call).toMatchObject({ direction: 'inbound', status: 'canceled', sip_code: 487, hangup_by: 'caller', hangup_cause: 'canceled', answered_at: null });
    expect(await eventTypes(call?.id)).toEqual(['call.initiated', 'call.completed']);
  });

  // rtpengine is stopped (killed) three times from here on, and restarted on the same ng port between.
  it('ends a call in early media with 480 to the caller and a final CDR with its cause when rtpengine is killed before the answer', async () => {
    const sink = await rtpSink();
    try {
      const sipp = runSipp(
        scenario('inbound-early-failure.xml'),
        slow,
        target.sipPort,
        pbxCallArgs(slow, { sipPort: target.sipPort, username, password, from, rtpport: sink.port, codec: '8' }),
      );
      // The voice application never answers: the call waits in early media, its media open in rtpengine.
      await eventually(
        () => callsTo(slow),
        (list) => list.some((x) => x.status === 'early_media'),
      );
      await daemon.stop();
      const run = await sipp;
      expect(run.code, `${explain(run)}\n${drachtioLog()}`).toBe(0);
    } finally {
      sink.socket.close();
    }
    const call = (
      await eventually(
        () => callsTo(slow),
        (list) => list.length === 2 && list.every((x) => x.ended_at != null),
      )
    ).find((x) => x.hangup_cause !== 'canceled');
    expect(call).toMatchObject({
      status: 'failed',
      hangup_by: 'system',
      hangup_cause: 'error',
      hangup_reason: { code: 'media_unavailable' },
      answered_at: null,
    });
    expect(await eventTypes(call?.id)).toEqual(['call.initiated', 'call.completed']);
  }, 60_000);

  it('ends an answered call with our BYE and a final CDR with its cause when rtpengine is killed mid-call', async () => {
    daemon = await startRtpengine(rtpengine as string, RTPENGINE_PORTS, ['--delete-delay=0'], daemon.ngPort);
    const sink = await rtpSink();
    try {
      // The call's voice application pauses 60 s: only the lost relay ends it (SIPp gives up after 20 s).
      const sipp = runSipp(
        scenario('inbound-greeting.xml'),
        waiting,
        target.sipPort,
        pbxCallArgs(waiting, { sipPort: target.sipPort, username, password, from, rtpport: sink.port, codec: '8' }),
      );
      await eventually(
        () => callsTo(waiting),
        (list) => list[0]?.status === 'in_progress',
      );
      await daemon.stop();
      const run = await sipp;
      expect(run.code, `${explain(run)}\n${drachtioLog()}`).toBe(0);
    } finally {
      sink.socket.close();
    }
    const [call] = await eventually(
      () => callsTo(waiting),
      (list) => list[0]?.ended_at != null,
    );
    expect(call).toMatchObject({
      status: 'completed',
      sip_code: 200,
      hangup_by: 'system',
      hangup_cause: 'error',
      hangup_reason: { code: 'media_unavailable' },
    });
    expect(await eventTypes(call?.id)).toEqual(['call.initiated', 'call.answered', 'call.completed']);
  }, 60_000);

  it('answers 500 and ends the CDR with its cause when rtpengine is down at the INVITE', async () => {
    const before = (await callsTo(to)).length;
    const run = await runSipp(
      scenario('inbound-auth-500.xml'),
      to,
      target.sipPort,
      pbxCallArgs(to, { sipPort: target.sipPort, username, password, from, rtpport: 40000, codec: '8' }),
    );
    expect(run.code, `${explain(run)}\n${drachtioLog()}`).toBe(0);
    const calls = await eventually(
      () => callsTo(to),
      (list) => list.length === before + 1 && list.every((x) => x.ended_at != null),
    );
    const call = calls.find((x) => x.sip_code === 500);
    expect(call).toMatchObject({ status: 'failed', sip_code: 500, hangup_by: 'system', hangup_cause: 'error', hangup_reason: { code: 'media_unavailable' } });
    expect(await eventTypes(call?.id)).toEqual(['call.initiated', 'call.completed']);
  }, 60_000);

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
