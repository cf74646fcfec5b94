import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { eventually, explain, rtpSink, scenario } from '../test/call-fixtures.js';
import { buyNumbers } from '../numbers/test-fixtures.js';
import { pbxTrunk } from '../test/pbx-fixtures.js';
import { pbxCallArgs } from '../test/call-suite.js';

/**
 * How inbound calls end other than by Prolope's BYE, and what bad input does to a started server: SIPp
 * cancels after the 183 (487), hangs up first (caller BYE), and sends a truncated SDP; raw datagrams
 * bring garbage, broken headers, a short body and a message of about 64 KB. Afterwards the process still
 * takes calls, every call record is final and no call is left in the live-call registry.
 */
requireSipp('inbound call teardown');

const FINAL = ['completed', 'busy', 'no_answer', 'failed', 'canceled'];

/** Sends `datagrams` from one socket and collects the first line of every answer for `waitMs`. */
async function sendRaw(port: number, datagrams: Buffer[], waitMs = 600): Promise<string[]> {
  const socket = createSocket('udp4');
  const answers: string[] = [];
  socket.on('message', (msg) => answers.push(msg.toString('latin1').split('\r\n')[0] ?? ''));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const local = socket.address().port;
  for (const d of datagrams) {
    await new Promise<void>((resolve, reject) =>
      socket.send(d.toString('latin1').replaceAll('LOCALPORT', String(local)), port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
    );
  }
  await new Promise((r) => setTimeout(r, waitMs));
  socket.close();
  return answers;
}

/** An INVITE from `from` to `to` with the given CSeq, extra header lines and body (Content-Length as given, or right). */
function invite(from: string, to: string, n: number, opts: { cseq?: string; headers?: string[]; body?: string; contentLength?: number } = {}): Buffer {
  const body = opts.body ?? '';
  const lines = [
    `INVITE sip:${to}@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:LOCALPORT;branch=z9hG4bK-raw-${n}-${process.pid};rport`,
    `From: <sip:${from}@127.0.0.1>;tag=raw${n}`,
    `To: <sip:${to}@127.0.0.1>`,
    `Call-ID: raw-${n}-${process.pid}@127.0.0.1`,
    `CSeq: ${opts.cseq ?? '1 INVITE'}`,
    'Contact: <sip:pbx@127.0.0.1:LOCALPORT>',
    'Max-Forwards: 70',
    ...(opts.headers ?? []),
    'Content-Type: application/sdp',
    `Content-Length: ${opts.contentLength ?? Buffer.byteLength(body)}`,
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

describe.skipIf(!SIPP).each(storeKinds)('inbound call teardown and bad input (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let app: Server;
  let appBase: string;
  const held: Array<() => void> = [];
  let sipPort: number;
  let seq = 0;
  const password = 'pbx-Secret-2026';
  const username = `teardown-${kind}-${process.pid}`;
  const fresh = () => `+3592${8_300_000 + ++seq + (kind === 'postgres' ? 500 : 0)}`;
  let from: string;
  let to: string;
  let slow: string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    sipPort = t.server.sipPort as number;
    c = await t.customer();
    // A voice application that takes its time: the call stays in early media until the caller gives up.
    app = createServer((req, res) => {
      req.resume();
      const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ verb: 'hangup' }])), 8000);
      held.push(() => {
        clearTimeout(timer);
        res.destroy();
      });
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    appBase = `http://127.0.0.1:${(app.address() as { port: number }).port}`;
    from = fresh();
    to = fresh();
    slow = fresh();
    await buyNumbers(t.operator, c.api, [from, to, slow]);
    expect((await c.api.patch(`/v1/numbers/${slow}`, { voice: { url: `${appBase}/voice` } })).status).toBe(200);
    await pbxTrunk(c.api, { username, password, callerIds: [from] });
  });
  afterAll(async () => {
    for (const release of held) release();
    await t?.close();
    await new Promise((r) => app?.close(r));
  });

  const sippArgs = (service: string, rtpport: number) => pbxCallArgs(service, { sipPort, username, password, from, rtpport, codec: '8' });
  const calls = async () => (await c.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>;
  const callTo = (number: string, ok: (call: Record<string, any> | undefined) => boolean) =>
    eventually(async () => (await calls()).find((x) => x.to === number), ok);

  it('answers a CANCEL after the 183 with 200 and the INVITE with 487, and records the call as canceled', async () => {
    const sink = await rtpSink();
    try {
      const run = await runSipp(scenario('inbound-cancel.xml'), slow, sipPort, sippArgs(slow, sink.port));
      expect(run.code, explain(run)).toBe(0);
    } finally {
      sink.socket.close();
    }
    const call = await callTo(slow, (x) => x?.ended_at != null);
    expect(call).toMatchObject({ direction: 'inbound', status: 'canceled', sip_code: 487, hangup_by: 'caller', hangup_cause: 'canceled', answered_at: null });
    const events = await t.server.store.db.selectFrom('events').select('type').where('object_id', '=', call?.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['call.initiated', 'call.completed']);
  });

  it('ends the call when the caller hangs up first, with the CDR saying so', async () => {
    const sink = await rtpSink();
    try {
      const run = await runSipp(scenario('inbound-caller-bye.xml'), to, sipPort, sippArgs(to, sink.port));
      expect(run.code, explain(run)).toBe(0);
      // The greeting was playing when the caller left after 3 s: part of it arrived, not its whole 4.6 s (230 packets).
      expect(sink.pcma()).toBeGreaterThan(0);
      expect(sink.pcma()).toBeLessThan(200);
    } finally {
      sink.socket.close();
    }
    const call = await callTo(to, (x) => x?.ended_at != null);
    expect(call).toMatchObject({ status: 'completed', sip_code: 200, hangup_by: 'caller', hangup_cause: 'normal' });
    expect(call?.answered_at).not.toBeNull();
  });

  it('refuses an SDP cut off in its m= line with 488 and records the failed call', async () => {
    const before = (await calls()).length;
    const run = await runSipp(scenario('inbound-truncated-sdp.xml'), to, sipPort, sippArgs(to, 40000));
    expect(run.code, explain(run)).toBe(0);
    const list = await eventually(calls, (l) => l.length > before && l[0]?.ended_at != null);
    expect(list).toHaveLength(before + 1);
    expect(list[0]).toMatchObject({ status: 'failed', sip_code: 488, hangup_cause: 'rejected' });
  });

  it('survives garbage, broken headers, a short body and a 64 KB message, and keeps taking calls with a consistent call table', async () => {
    const garbage = Array.from({ length: 200 }, (_, i) => Buffer.from(Array.from({ length: 200 + ((i * 37) % 1200) }, (_, j) => (i * 31 + j * 17) % 256)));
    const sdp = 'v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\na=ptime:20\r\n';
    const broken = [
      // CSeq without a number, a header line without a colon, a body shorter than its Content-Length (RFC 3261 18.3).
      invite(from, to, 1, { cseq: 'abc INVITE' }),
      invite(from, to, 2, { headers: ['This line has no colon'] }),
      invite(from, to, 3, { body: sdp.slice(0, 40), contentLength: sdp.length }),
    ];
    const answers = await sendRaw(sipPort, [...garbage, ...broken]);
    // Each broken request whose Via could be read gets 400; garbage gets nothing.
    expect(answers.filter((a) => a.startsWith('SIP/2.0 400'))).toHaveLength(3);
    expect(answers).toHaveLength(3);

    // About 64 KB in one datagram (1,900 header lines): within the parser's limit, so it is read as any
    // INVITE without credentials and challenged (the 401 repeats, as nobody ACKs it).
    const huge = invite(from, to, 4, { headers: Array.from({ length: 1900 }, (_, i) => `X-Padding-${i}: ${'x'.repeat(15)}`), body: sdp });
    expect(huge.length).toBeGreaterThan(60_000);
    expect(huge.length).toBeLessThan(65_507);
    const hugeAnswers = await sendRaw(sipPort, [huge]);
    expect(new Set(hugeAnswers.filter((a) => !a.startsWith('SIP/2.0 1')))).toEqual(new Set(['SIP/2.0 401 Unauthorized']));

    // Still alive and taking calls.
    expect((await c.api.get('/v1/health')).status).toBe(200);
    const sink = await rtpSink();
    try {
      const run = await runSipp(scenario('inbound-greeting.xml'), to, sipPort, sippArgs(to, sink.port));
      expect(run.code, explain(run)).toBe(0);
      expect(sink.pcma()).toBeGreaterThan(100);
    } finally {
      sink.socket.close();
    }
    // None of the bad input left a call behind: every record is final and ended, none is still live.
    const list = await eventually(calls, (l) => l.every((x) => x.ended_at != null));
    expect(list.length).toBeGreaterThanOrEqual(4);
    for (const call of list) {
      expect(FINAL).toContain(call.status);
      expect(t.server.runtime.activeCalls.get(call.id)).toBeUndefined();
    }
    const raw = list.filter((x) => String(x.sip_call_id ?? '').startsWith('raw-'));
    expect(raw).toEqual([]);
  });
});
