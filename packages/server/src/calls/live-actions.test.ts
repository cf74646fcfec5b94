import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, rtpPeer, rtpSink, scenario } from '../test/call-fixtures.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { requireSipp, runSipp, SIPP, startSippUas } from '../test/sipp.js';

/**
 * Live call control beyond say/play/hangup, end to end with SIPp: gather, mute, record
 * pause/resume on inbound calls, and control of outbound calls (answered, and still ringing).
 */
requireSipp('live call actions');

/** RMS of a WAV's samples (16-bit mono after a 44-byte header). */
function wavRms(wav: Buffer): number {
  const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!SIPP).each(storeKinds)('live call actions (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'live', numberBase: 8_800_000, carrier: true });
  const { auth, callTo } = suite;
  let t: TestServer;
  let c: CallSuite['c'];
  let app: CallSuite['app'];
  let sipPort: number;
  let carrierPort: number;
  let from: string;
  beforeAll(() => ({ t, c, app, sipPort, carrierPort, from } = suite));

  const holdingNumber = (name: string) => suite.numberAnswering(name, [{ verb: 'pause', seconds: 20 }]);

  const wav = async (id: string) =>
    Buffer.from(await (await fetch(`${t.url}/v1/recordings/${id}/media`, { headers: { authorization: `Bearer ${c.key}` } })).arrayBuffer());

  it('gathers digits on a call in progress and continues with what action_url answers', async () => {
    const number = await holdingNumber('hold-gather');
    app.routes.set('/gathered', [{ verb: 'hangup' }]);
    const peer = await rtpPeer();
    try {
      const running = runSipp(scenario('live-control.xml'), number, sipPort, auth(number, { rtpport: peer.port, codec: '8' }));
      const call = await callTo(number, (x) => x?.status === 'in_progress');
      const id = call?.id as string;
      const bad = await c.api.post(`/v1/calls/${id}/actions/gather`, { action_url: 'ftp://nope', digits: 1 });
      expect(bad.status).toBe(400);
      const res = await c.api.post(`/v1/calls/${id}/actions/gather`, {
        action_url: `${app.base}/gathered`,
        digits: 1,
        prompt: { verb: 'say', text: 'Press a key.' },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // The prompt shows where Prolope's media is; the caller presses 4 there.
      const prolope = (await eventually(
        async () => peer.source(),
        (s) => s !== undefined,
      )) as { address: string; port: number };
      await peer.sendDigit(prolope, 4);
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
      const posted = app.requests.filter((r) => r.path === '/gathered');
      expect(posted).toHaveLength(1);
      expect(posted[0]?.body).toMatchObject({ call_id: id, digits: '4' });
      const events = await t.server.store.db.selectFrom('events').select(['type']).where('object_id', '=', id).orderBy('id').execute();
      expect(events.map((e) => e.type)).toContain('call.gather.completed');
    } finally {
      peer.socket.close();
    }
  });

  it('mutes the caller (recordings hold silence) and pauses a recording (the paused part is left out)', async () => {
    const number = await holdingNumber('hold-mute');
    // SIPp sends about 6.8 s of real speech (g711a.pcap) right after the answer.
    const running = runSipp(scenario('voice-app-record.xml'), number, sipPort, auth(number));
    const call = await callTo(number, (x) => x?.status === 'in_progress');
    const id = call?.id as string;
    const act = (action: string) => c.api.post(`/v1/calls/${id}/actions/${action}`);

    const none = await act('record/pause');
    expect(none.status).toBe(409);
    expect(none.body.code).toBe('recording_not_active');

    expect((await act('mute')).body).toMatchObject({ id, status: 'in_progress' });
    await act('record/start');
    await sleep(1000);
    await act('record/stop');
    expect((await act('unmute')).status).toBe(200);

    await act('record/start');
    await sleep(1000);
    expect((await act('record/pause')).status).toBe(200);
    await sleep(1500);
    expect((await act('record/resume')).status).toBe(200);
    await sleep(500);
    await act('record/stop');
    expect((await act('hangup')).body.status).toBe('completed');
    const run = await running;
    expect(run.code, explain(run)).toBe(0);

    const list = (await c.api.get(`/v1/recordings?call_id=${id}`)).body.data as Array<Record<string, any>>;
    expect(list).toHaveLength(2);
    const [paused, muted] = list; // newest first
    expect(muted?.duration_seconds).toBeGreaterThanOrEqual(1);
    expect(wavRms(await wav(muted?.id))).toBe(0);
    // 1 s + 0.5 s recorded over 3 s: without the pause it would be 3 s long.
    expect(paused?.duration_seconds).toBeLessThanOrEqual(2);
    expect(wavRms(await wav(paused?.id))).toBeGreaterThan(200);
  });

  it('controls an answered outbound call, and cancels one that is still ringing', async () => {
    const sink = await rtpSink();
    try {
      const to = '+35929990201';
      const uas = await startSippUas(scenario('outbound-uas.xml'), ['-set', 'rtpport', String(sink.port), '-set', 'touser', to], carrierPort);
      const created = await c.api.post('/v1/calls', { from, to, instructions: [{ verb: 'pause', seconds: 20 }] });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      await eventually(
        async () => (await c.api.get(`/v1/calls/${id}`)).body.status,
        (s) => s === 'in_progress',
      );
      expect((await c.api.post(`/v1/calls/${id}/actions/say`, { text: 'An announcement for the callee.' })).status).toBe(200);
      await eventually(
        async () => sink.pcma(),
        (n) => n >= 25,
      );
      expect(sink.pcma()).toBeGreaterThanOrEqual(25);
      const hungUp = await c.api.post(`/v1/calls/${id}/actions/hangup`);
      expect(hungUp.body).toMatchObject({ id, status: 'completed', hangup_by: 'caller', hangup_cause: 'normal' });
      const run = await uas.done;
      expect(run.code, explain(run)).toBe(0);
    } finally {
      sink.socket.close();
    }

    const ringingUas = await startSippUas(scenario('outbound-uas-no-answer.xml'), [], carrierPort);
    const created = await c.api.post('/v1/calls', { from, to: '+35929990202', instructions: [{ verb: 'hangup' }] });
    const id = created.body.id as string;
    await eventually(
      async () => (await c.api.get(`/v1/calls/${id}`)).body.status,
      (s) => s === 'ringing',
    );
    expect((await c.api.post(`/v1/calls/${id}/actions/hangup`)).status).toBe(200);
    const ended = await eventually(
      async () => (await c.api.get(`/v1/calls/${id}`)).body as Record<string, any>,
      (x) => x.ended_at != null,
    );
    expect(ended).toMatchObject({ status: 'canceled', sip_code: 487, answered_at: null });
    const run = await ringingUas.done;
    expect(run.code, explain(run)).toBe(0);
  });
});
