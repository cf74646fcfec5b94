import { beforeAll, describe, expect, it } from 'vitest';
import { decodePcma, encodePcma, tone } from '../telephony/media/index.js';
import { eventually, explain, rtpPeer, scenario } from '../test/call-fixtures.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { requireSipp, runSipp, SIPP, startSippUas } from '../test/sipp.js';

/**
 * `dial` and transfers end to end: SIPp plays a PBX calling a number (the A leg) and the carrier
 * answering the leg Prolope places (the B leg). Both media ends are UDP sockets of this test, so it
 * sees what crosses the bridge byte for byte: A's audio at B, B's audio at A, A's key at B.
 */
requireSipp('dial and transfer');

/** 160-byte A-law frames of a tone, each frame distinct so the far side can be matched byte for byte. */
function frames(hz: number, count: number): Uint8Array[] {
  const pcm = encodePcma(tone(hz, count * 20, 0.4));
  return Array.from({ length: count }, (_, i) => pcm.subarray(i * 160, (i + 1) * 160));
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Whether `needle` occurs in `hay`, sample for sample. */
function contains(hay: Int16Array, needle: Int16Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe.skipIf(!SIPP).each(storeKinds)('dial and transfer (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'dial', numberBase: 8_700_000, carrier: true });
  const { numberAnswering, callTo } = suite;
  let t: TestServer;
  let c: CallSuite['c'];
  let app: CallSuite['app'];
  let sipPort: number;
  let carrierPort: number;
  let from: string;
  beforeAll(() => ({ t, c, app, sipPort, carrierPort, from } = suite));

  const pbx = (number: string, rtpport: number) =>
    runSipp(scenario('live-control.xml'), number, sipPort, suite.auth(number, { rtpport, codec: '8' }));
  const legsOf = async (id: string) => (await c.api.get(`/v1/calls?parent_call_id=${id}`)).body.data as Array<Record<string, any>>;
  const eventTypes = async (callId: string) =>
    (await t.server.store.db.selectFrom('events').select(['type']).where('object_id', '=', callId).orderBy('id').execute()).map((e) => e.type);

  it('bridges the caller to the dialled leg both ways (audio and DTMF), then runs action_url with the dial result', async () => {
    const to = '+35929990101';
    const number = await numberAnswering('dial', [{ verb: 'dial', to, action_url: `${app.base}/dialed` }]);
    app.routes.set('/dialed', [{ verb: 'hangup' }]);
    const a = await rtpPeer();
    const b = await rtpPeer();
    try {
      // The callee rings 1.5 s (the caller hears ringback), answers, talks 4 s and hangs up.
      const uas = await startSippUas(scenario('outbound-uas-hangup.xml'), ['-set', 'rtpport', String(b.port), '-d', '4000'], carrierPort);
      const running = pbx(number, a.port);

      // Ringback reaches the caller while the leg rings: PCMA from Prolope's media port for this call.
      const prolopeA = (await eventually(
        async () => a.source(),
        (s) => s !== undefined,
      )) as { address: string; port: number };
      const parent = await callTo(number, (x) => x?.status === 'in_progress');
      const leg = await eventually(
        async () => (await legsOf(parent?.id))[0],
        (x) => x?.status === 'in_progress',
      );
      expect(leg).toMatchObject({ direction: 'outbound', from: number, to, parent_call_id: parent?.id, status: 'in_progress' });
      const ringbackPackets = a.packets.length;
      expect(ringbackPackets).toBeGreaterThan(10);
      // A recording of the bridged caller keeps both directions: mixed on SQLite's run, in two channels
      // on PostgreSQL's (each store then keeps one kind; media-level tests cover both everywhere).
      const channels = kind === 'sqlite' ? 'mono' : 'dual';
      expect((await c.api.post(`/v1/calls/${parent?.id}/actions/record/start`, kind === 'sqlite' ? undefined : { channels })).status).toBe(200);

      // A → B: the caller's audio arrives at the callee unchanged (A-law in, A-law out).
      const sentByA = frames(1000, 50);
      await a.sendFrames(prolopeA, sentByA);
      const atB = await eventually(
        async () => b.packets.filter((p) => p.pt === 8),
        (p) => p.length >= 40,
      );
      const sentSet = new Set(sentByA.map(hex));
      expect(atB.filter((p) => sentSet.has(hex(p.payload))).length).toBeGreaterThanOrEqual(40);
      for (let i = 1; i < atB.length; i++) {
        const [x, y] = [atB[i - 1]!, atB[i]!];
        if (y.seq === ((x.seq + 1) & 0xffff) && !y.marker) expect((y.ts - x.ts) >>> 0).toBe(160);
      }

      // B → A: the callee's audio arrives at the caller, sent from Prolope's leg port it learnt.
      const prolopeB = b.source() as { address: string; port: number };
      expect(prolopeB.port).not.toBe(prolopeA.port);
      const sentByB = frames(600, 30);
      await b.sendFrames(prolopeB, sentByB);
      const bSet = new Set(sentByB.map(hex));
      const atA = await eventually(
        async () => a.packets.slice(ringbackPackets).filter((p) => bSet.has(hex(p.payload))),
        (p) => p.length >= 25,
      );
      expect(atA.length).toBeGreaterThanOrEqual(25);
      expect((await c.api.post(`/v1/calls/${parent?.id}/actions/record/stop`)).status).toBe(200);
      const [recording] = (await c.api.get(`/v1/recordings?call_id=${parent?.id}`)).body.data as Array<{ id: string; channels: number }>;
      expect(recording?.channels).toBe(channels === 'dual' ? 2 : 1);
      const wav = await fetch(`${t.url}/v1/recordings/${recording?.id}/media`, { headers: { authorization: `Bearer ${c.key}` } });
      const bytes = Buffer.from(await wav.arrayBuffer());
      expect(bytes.readUInt16LE(22)).toBe(recording?.channels);
      const recorded = new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + bytes.length));
      if (channels === 'mono') {
        // A said its frames to Prolope, B's were relayed to A: both are in it as they were (they did not overlap).
        expect(contains(recorded, decodePcma(sentByA[25]!))).toBe(true);
        expect(contains(recorded, decodePcma(sentByB[15]!))).toBe(true);
      } else {
        // The caller (A) on the left, the callee (B) on the right, each alone on its side.
        const left = recorded.filter((_, i) => i % 2 === 0);
        const right = recorded.filter((_, i) => i % 2 === 1);
        expect(contains(left, decodePcma(sentByA[25]!))).toBe(true);
        expect(contains(right, decodePcma(sentByB[15]!))).toBe(true);
        expect(contains(right, decodePcma(sentByA[25]!))).toBe(false);
        expect(contains(left, decodePcma(sentByB[15]!))).toBe(false);
      }

      // A's key 7 (RFC 4733) is passed on to B as RFC 4733.
      await a.sendDigit(prolopeA, 7);
      const dtmfAtB = await eventually(
        async () => b.packets.filter((p) => p.pt === 101),
        (p) => p.some((x) => (x.payload[1]! & 0x80) !== 0),
      );
      expect(dtmfAtB.every((p) => p.payload[0] === 7)).toBe(true);

      const legRun = await uas.done;
      expect(legRun.code, explain(legRun)).toBe(0);
      const run = await running;
      expect(run.code, explain(run)).toBe(0);

      const posted = await eventually(
        async () => app.requests.filter((r) => r.path === '/dialed'),
        (r) => r.length > 0,
      );
      expect(posted[0]?.body).toMatchObject({ call_id: parent?.id, dial_status: 'completed', dial_call_id: leg?.id });
      expect(posted[0]?.body.dial_duration_seconds).toBeGreaterThanOrEqual(4);

      const ended = await eventually(
        async () => (await legsOf(parent?.id))[0],
        (x) => x?.ended_at != null,
      );
      expect(ended).toMatchObject({ status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
      expect(await eventTypes(leg?.id)).toEqual(['call.initiated', 'call.ringing', 'call.answered', 'call.completed']);
      const parentEnded = await callTo(number, (x) => x?.ended_at != null);
      expect(parentEnded).toMatchObject({ status: 'completed', hangup_by: 'callee', parent_call_id: null });
      // The leg is a call of the account like any other, and the parent's own list has it.
      expect((await c.api.get(`/v1/calls/${leg?.id}`)).body.parent_call_id).toBe(parent?.id);
    } finally {
      a.socket.close();
      b.socket.close();
    }
  });

  it('tries fallback_to when the first leg is busy, and tells action_url how the last one ended', async () => {
    const number = await numberAnswering('dial-busy', [
      { verb: 'dial', to: '+35929990102', fallback_to: '+35929990103', action_url: `${app.base}/dial-busy-done` },
    ]);
    app.routes.set('/dial-busy-done', [{ verb: 'hangup' }]);
    const a = await rtpPeer();
    try {
      const uas = await startSippUas(scenario('outbound-uas-busy.xml'), ['-m', '2'], carrierPort);
      const run = await pbx(number, a.port);
      expect(run.code, explain(run)).toBe(0);
      const parent = await callTo(number, (x) => x?.ended_at != null);
      const legs = await eventually(
        () => legsOf(parent?.id),
        (l) => l.length === 2 && l.every((x) => x.ended_at != null),
      );
      // Newest first: the fallback, then the first try.
      expect(legs.map((l) => [l.to, l.status, l.sip_code])).toEqual([
        ['+35929990103', 'busy', 486],
        ['+35929990102', 'busy', 486],
      ]);
      const posted = app.requests.filter((r) => r.path === '/dial-busy-done');
      expect(posted).toHaveLength(1);
      expect(posted[0]?.body).toMatchObject({ dial_status: 'busy', dial_call_id: legs[0]?.id, dial_duration_seconds: 0 });
      uas.stop();
    } finally {
      a.socket.close();
    }
  });

  it('transfers a call in progress through the API; the call ends when the transferred leg hangs up', async () => {
    const number = await numberAnswering('hold-transfer', [{ verb: 'pause', seconds: 20 }]);
    const a = await rtpPeer();
    const b = await rtpPeer();
    try {
      const running = pbx(number, a.port);
      const parent = await callTo(number, (x) => x?.status === 'in_progress');
      const id = parent?.id as string;

      const notOurs = await c.api.post(`/v1/calls/${id}/actions/transfer`, { to: '+35929990104', caller_id: '+35929999999' });
      expect(notOurs.status).toBe(422);
      expect(notOurs.body.code).toBe('caller_id_not_owned');
      expect(await legsOf(id)).toEqual([]);

      const uas = await startSippUas(scenario('outbound-uas-hangup.xml'), ['-set', 'rtpport', String(b.port), '-d', '1500'], carrierPort);
      const moved = await c.api.post(`/v1/calls/${id}/actions/transfer`, { to: '+35929990104' });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body).toMatchObject({ id, status: 'in_progress' });

      const legRun = await uas.done;
      expect(legRun.code, explain(legRun)).toBe(0);
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
      const legs = await eventually(
        () => legsOf(id),
        (l) => l[0]?.ended_at != null,
      );
      expect(legs).toHaveLength(1);
      expect(legs[0]).toMatchObject({ to: '+35929990104', from: number, status: 'completed', hangup_by: 'callee' });
      const ended = await callTo(number, (x) => x?.ended_at != null);
      expect(ended).toMatchObject({ status: 'completed', hangup_by: 'callee', hangup_cause: 'normal' });
    } finally {
      a.socket.close();
      b.socket.close();
    }
  });
});
