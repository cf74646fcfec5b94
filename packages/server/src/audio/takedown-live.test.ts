import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, rtpPeer, scenario } from '../test/call-fixtures.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { CLAIMED_HZ, NEXT_HZ, toneIn, toneWav } from './live-prompt-fixtures.js';

/**
 * Terms 10.3 on a live call, end to end: a PBX (SIPp) calls a number whose application plays a long
 * stored prompt, then another. The operator takes the first down through the API while it plays: the
 * RTP the caller receives stops carrying it, the call goes on with the next verb, and a later call
 * skips the taken-down prompt. (How fast it stops is measured in takedown-live.timing.test.ts.)
 */
requireSipp('audio prompt takedown on a live call');

const declared = { accepted: true };

describe.skipIf(!SIPP).each(storeKinds)('audio takedown on a live call (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'takedown', numberBase: 8_600_000 });
  let t: TestServer;
  let c: CallSuite['c'];
  beforeAll(() => ({ t, c } = suite));

  it('stops the prompt on the call at once, goes on with the next verb, and refuses it on the next call', async () => {
    const claimed = await c.api.post('/v1/audio', { name: `${CLAIMED_HZ} Hz, 40 s`, content_base64: toneWav(CLAIMED_HZ, 40), rights_declaration: declared });
    const next = await c.api.post('/v1/audio', { name: `${NEXT_HZ} Hz, 3 s`, content_base64: toneWav(NEXT_HZ, 3), rights_declaration: declared });
    expect([claimed.status, next.status]).toEqual([201, 201]);
    const number = await suite.numberAnswering('takedown', [
      { verb: 'play', audio_id: claimed.body.id },
      { verb: 'play', audio_id: next.body.id },
      { verb: 'pause', seconds: 30 },
    ]);

    const peer = await rtpPeer();
    try {
      const running = runSipp(scenario('live-control.xml'), number, suite.sipPort, suite.auth(number, { rtpport: peer.port, codec: '8' }));
      const heard = () => peer.packets.filter((p) => p.pt === 8).map((p) => toneIn(p.payload));
      // The claimed prompt is playing: a second of it arrived.
      await eventually(
        async () => heard().filter((x) => x === 'claimed').length,
        (n) => n >= 50,
      );
      const call = await suite.callTo(number, (x) => x?.status === 'in_progress');

      const res = await t.operator.post(`/v1/audio/${claimed.body.id}/take-down`, { reason: 'Rights claim, ticket 7' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // The call goes on with its next verb: the other prompt arrives.
      await eventually(
        async () => heard().filter((x) => x === 'next').length,
        (n) => n >= 25,
      );
      const after = heard();
      const firstNext = after.indexOf('next');
      // Once the next prompt started, the claimed one never came back; and it had stopped long before
      // its 40 s (2000 packets) ran out.
      expect(after.slice(firstNext).filter((x) => x === 'claimed')).toEqual([]);
      expect(after.filter((x) => x === 'claimed').length).toBeLessThan(2000);
      expect((await c.api.get(`/v1/calls/${call?.id}`)).body.status).toBe('in_progress');
      expect((await c.api.get(`/v1/audio/${claimed.body.id}`)).body).toMatchObject({ status: 'taken_down', takedown: { reason: 'Rights claim, ticket 7' } });
      const events = await t.server.store.db.selectFrom('events').select(['type']).where('object_id', '=', claimed.body.id).orderBy('id').execute();
      expect(events.map((e) => e.type)).toEqual(['audio.created', 'audio.taken_down']);

      expect((await c.api.post(`/v1/calls/${call?.id}/actions/hangup`)).status).toBe(200);
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
    } finally {
      peer.socket.close();
    }

    // A later call skips the taken-down prompt: the first audio it hears is the next one.
    const second = await rtpPeer();
    try {
      const running = runSipp(scenario('live-control.xml'), number, suite.sipPort, suite.auth(number, { rtpport: second.port, codec: '8' }));
      const heard = () => second.packets.filter((p) => p.pt === 8).map((p) => toneIn(p.payload));
      await eventually(
        async () => heard().filter((x) => x === 'next').length,
        (n) => n >= 25,
      );
      expect(heard().filter((x) => x === 'claimed')).toEqual([]);
      // Calls list newest first, so this is the second call.
      const call = await suite.callTo(number, (x) => x?.status === 'in_progress');
      // Once the 3 s prompt has played whole, a live action plays it again by id; the taken-down one is refused.
      // (The first play has at most 5 of its 150 packets left then, so 25 more are the action's.)
      const count = async () => heard().filter((x) => x === 'next').length;
      await eventually(count, (n) => n >= 145);
      const played = await count();
      expect((await c.api.post(`/v1/calls/${call?.id}/actions/play`, { audio_id: next.body.id })).status).toBe(200);
      expect(await eventually(count, (n) => n >= played + 25)).toBeGreaterThanOrEqual(played + 25);
      const both = await c.api.post(`/v1/calls/${call?.id}/actions/play`, { audio_id: next.body.id, url: 'https://example.com/a.wav' });
      expect(both.status).toBe(400);
      expect((await c.api.post(`/v1/calls/${call?.id}/actions/hangup`)).status).toBe(200);
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
    } finally {
      second.socket.close();
    }
  });
});
