import { beforeAll, describe, expect, it } from 'vitest';
import { encodePcma, tone } from '../telephony/media/index.js';
import { eventually, explain, rtpPeer, rtpSink, scenario } from '../test/call-fixtures.js';
import { storeKinds } from '../test/harness.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { requireSipp, runSipp, SIPP, startSippUas } from '../test/sipp.js';
import { NEXT_HZ, toneIn, toneWav } from '../audio/live-prompt-fixtures.js';
import { DEFAULT_HOLD_MUSIC } from './hold-music.js';

/**
 * Mid-call SIP on the embedded backend (issue 17 item 6) with SIPp as the PBX: hold and resume by
 * re-INVITE (answered recvonly/sendrecv) while bridged to a dialled leg, which hears hold music
 * meanwhile; UPDATE; a new media port; 100rel refused with 420; session timers. The delayed offer
 * (INVITE without SDP, our offer in the 200) is covered in inbound-call.test.ts.
 */
requireSipp('hold and mid-call SIP');

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** 160-byte A-law frames of `pcm`, as the media layer cuts them. */
const framesOf = (pcm: Int16Array) => {
  const bytes = encodePcma(pcm);
  return Array.from({ length: Math.floor(bytes.length / 160) }, (_, i) => bytes.subarray(i * 160, (i + 1) * 160));
};

describe.skipIf(!SIPP).each(storeKinds)('hold and mid-call SIP (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'hold', numberBase: 8_760_000, carrier: true });
  const { numberAnswering, callTo } = suite;
  let c: CallSuite['c'];
  let app: CallSuite['app'];
  let sipPort: number;
  let carrierPort: number;
  beforeAll(() => ({ c, app, sipPort, carrierPort } = suite));

  it('a bridged caller holds (200 says recvonly), the leg hears hold music and not the caller, and the resume bridges again', async () => {
    const number = await numberAnswering('hold-dial', [{ verb: 'dial', to: '+35929990301', action_url: `${app.base}/hold-dialed` }]);
    app.routes.set('/hold-dialed', [{ verb: 'hangup' }]);
    const a = await rtpPeer();
    const b = await rtpPeer();
    let talking = true;
    try {
      // The leg rings 1.5 s, answers, and hangs up 9 s later; the caller holds 3 s after its answer, for 3 s.
      const uas = await startSippUas(scenario('outbound-uas-hangup.xml'), ['-set', 'rtpport', String(b.port), '-d', '9000'], carrierPort);
      const running = runSipp(scenario('inbound-hold-bridged.xml'), number, sipPort, suite.auth(number, { rtpport: a.port, codec: '8' }));
      const prolopeA = (await eventually(
        async () => a.source(),
        (s) => s !== undefined,
      )) as { address: string; port: number };
      // The caller talks all along (its phone keeps sending while it holds, as many do): A's frames.
      const sentByA = framesOf(tone(1000, 20 * 50, 0.4));
      const talk = (async () => {
        while (talking) await a.sendFrames(prolopeA, sentByA);
      })();
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
      const legRun = await uas.done;
      expect(legRun.code, explain(legRun)).toBe(0);
      talking = false;
      await talk;

      const fromA = new Set(sentByA.map(hex));
      const music = new Set(framesOf(DEFAULT_HOLD_MUSIC).map(hex));
      const atB = b.packets.filter((p) => p.pt === 8).map((p) => (fromA.has(hex(p.payload)) ? 'A' : music.has(hex(p.payload)) ? 'music' : 'other'));
      const firstMusic = atB.indexOf('music');
      const lastMusic = atB.lastIndexOf('music');
      // Hold music reached the leg (3 s of hold: 150 frames; well over 25 even on a starved machine) ...
      expect(atB.filter((x) => x === 'music').length).toBeGreaterThan(25);
      // ... and while it played, nothing the caller said crossed the bridge ...
      expect(atB.slice(firstMusic, lastMusic + 1).filter((x) => x === 'A')).toEqual([]);
      // ... which came back with the resume: the caller's audio reached the leg again after the music.
      expect(atB.slice(lastMusic + 1).filter((x) => x === 'A').length).toBeGreaterThan(10);
      const parent = await callTo(number, (x) => x?.ended_at != null);
      expect(parent).toMatchObject({ status: 'completed' });
    } finally {
      talking = false;
      a.socket.close();
      b.socket.close();
    }
  });

  it("plays the account's own hold music (an uploaded prompt, PATCH /v1/hold-music) to the leg while the caller holds", async () => {
    const uploaded = await c.api.post('/v1/audio', { name: `hold ${kind}`, content_base64: toneWav(NEXT_HZ, 2), rights_declaration: { accepted: true } });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect((await c.api.patch('/v1/hold-music', { audio_id: uploaded.body.id })).status).toBe(200);
    const number = await numberAnswering('hold-own-music', [{ verb: 'dial', to: '+35929990303', action_url: `${app.base}/hold-own-dialed` }]);
    app.routes.set('/hold-own-dialed', [{ verb: 'hangup' }]);
    const a = await rtpPeer();
    const b = await rtpPeer();
    try {
      const uas = await startSippUas(scenario('outbound-uas-hangup.xml'), ['-set', 'rtpport', String(b.port), '-d', '9000'], carrierPort);
      const run = await runSipp(scenario('inbound-hold-bridged.xml'), number, sipPort, suite.auth(number, { rtpport: a.port, codec: '8' }));
      expect(run.code, explain(run)).toBe(0);
      expect((await uas.done).code).toBe(0);
      const atB = b.packets.filter((p) => p.pt === 8).map((p) => toneIn(p.payload));
      // The uploaded 400 Hz prompt reached the leg during the 3 s hold, and the built-in tune did not.
      expect(atB.filter((x) => x === 'next').length).toBeGreaterThan(25);
      const builtIn = new Set(framesOf(DEFAULT_HOLD_MUSIC).map(hex));
      expect(b.packets.filter((p) => p.pt === 8 && builtIn.has(hex(p.payload)))).toEqual([]);
    } finally {
      await c.api.patch('/v1/hold-music', { audio_id: null });
      a.socket.close();
      b.socket.close();
    }
  });

  it('the dialled party holds (its re-INVITE answered recvonly): the caller hears hold music, not the callee, until the resume', async () => {
    const number = await numberAnswering('leg-holds', [{ verb: 'dial', to: '+35929990302', action_url: `${app.base}/leg-held` }]);
    app.routes.set('/leg-held', [{ verb: 'hangup' }]);
    const a = await rtpPeer();
    const b = await rtpPeer();
    let talking = true;
    try {
      const uas = await startSippUas(scenario('outbound-uas-hold.xml'), ['-set', 'rtpport', String(b.port)], carrierPort);
      const running = runSipp(scenario('live-control.xml'), number, sipPort, suite.auth(number, { rtpport: a.port, codec: '8' }));
      const prolopeA = (await eventually(
        async () => a.source(),
        (s) => s !== undefined,
      )) as { address: string; port: number };
      // Both talk all along: the caller's frames cross the bridge and show the callee where to send.
      const sentByA = framesOf(tone(1000, 20 * 50, 0.4));
      const sentByB = framesOf(tone(600, 20 * 50, 0.4));
      const talkA = (async () => {
        while (talking) await a.sendFrames(prolopeA, sentByA);
      })();
      const prolopeB = (await eventually(
        async () => b.source(),
        (s) => s !== undefined,
      )) as { address: string; port: number };
      const talkB = (async () => {
        while (talking) await b.sendFrames(prolopeB, sentByB);
      })();
      const legRun = await uas.done;
      expect(legRun.code, explain(legRun)).toBe(0);
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
      talking = false;
      await Promise.all([talkA, talkB]);

      const fromB = new Set(sentByB.map(hex));
      const music = new Set(framesOf(DEFAULT_HOLD_MUSIC).map(hex));
      const atA = a.packets.filter((p) => p.pt === 8).map((p) => (fromB.has(hex(p.payload)) ? 'B' : music.has(hex(p.payload)) ? 'music' : 'other'));
      const firstMusic = atA.indexOf('music');
      const lastMusic = atA.lastIndexOf('music');
      expect(atA.slice(0, firstMusic).filter((x) => x === 'B').length).toBeGreaterThan(10);
      expect(atA.filter((x) => x === 'music').length).toBeGreaterThan(25);
      expect(atA.slice(firstMusic, lastMusic + 1).filter((x) => x === 'B')).toEqual([]);
      expect(atA.slice(lastMusic + 1).filter((x) => x === 'B').length).toBeGreaterThan(10);
    } finally {
      talking = false;
      a.socket.close();
      b.socket.close();
    }
  });

  it('follows a hold on a delayed-offer call (our offer in the 200, their answer in the ACK)', async () => {
    const number = await numberAnswering('delayed-hold', [{ verb: 'say', text: 'Thank you for holding. We will be with you shortly.' }]);
    const sink = await rtpSink();
    try {
      const run = await runSipp(scenario('inbound-delayed-offer-hold.xml'), number, sipPort, suite.auth(number, { rtpport: sink.port }));
      expect(run.code, explain(run)).toBe(0);
      const call = await callTo(number, (x) => x?.ended_at != null);
      expect(call).toMatchObject({ status: 'completed', hangup_by: 'callee' });
    } finally {
      sink.socket.close();
    }
  });

  it('refuses Require: 100rel with 420, a short Session-Expires with 422, accepts session timers, takes UPDATE holds and a new media port', async () => {
    const number = await numberAnswering('extensions', [{ verb: 'say', text: 'Please hold the line while we test.', loop: 30 }]);
    const first = await rtpSink();
    const moved = await rtpSink();
    try {
      const run = await runSipp(scenario('inbound-extensions.xml'), number, sipPort, [
        ...suite.auth(number, { rtpport: first.port, codec: '8' }),
        '-set',
        'newport',
        String(moved.port),
      ]);
      expect(run.code, explain(run)).toBe(0);
      // After the re-INVITE named another port, Prolope's RTP went there (the speech starts after the
      // synthesis, by when the port has usually moved: the first port may have heard nothing).
      expect(moved.pcma()).toBeGreaterThan(10);
      const call = await callTo(number, (x) => x?.ended_at != null);
      expect(call).toMatchObject({ status: 'completed', hangup_by: 'caller' });
    } finally {
      first.socket.close();
      moved.socket.close();
    }
  });
});

