import { beforeAll, describe, expect, it } from 'vitest';
import { storeKinds, type TestServer } from '../test/harness.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { eventually, explain, rtpSink, scenario } from '../test/call-fixtures.js';

/**
 * Recordings and live call control end to end: SIPp calls a number through a customer's trunk and
 * sends real speech (sip-tester's g711a.pcap); the customer's voice application (a real HTTP server)
 * asks for a `record`, and the test downloads the WAV. Live control drives a call in progress through
 * `POST /v1/calls/{id}/actions/*` and checks what the caller receives (RTP at a socket the test owns, BYE).
 */
requireSipp('recordings and live call control');

/** A voice application: answers each path with JSON and keeps every request body. */
/** The PCM samples of a 16-bit mono WAV, after checking its RIFF header. */
function wavSamples(wav: Buffer): Int16Array {
  expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
  expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
  expect(wav.readUInt16LE(20)).toBe(1); // PCM
  expect(wav.readUInt16LE(22)).toBe(1); // mono
  expect(wav.readUInt32LE(24)).toBe(8000);
  expect(wav.readUInt16LE(34)).toBe(16);
  expect(wav.subarray(36, 40).toString('ascii')).toBe('data');
  const size = wav.readUInt32LE(40);
  expect(wav.length).toBe(44 + size);
  return new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + 44 + size));
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

describe.skipIf(!SIPP).each(storeKinds)('recordings and live call control (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'rec', numberBase: 8_300_000 });
  const { numberAnswering, auth, callTo } = suite;
  let t: TestServer;
  let c: CallSuite['c'];
  let other: CallSuite['c'];
  let app: CallSuite['app'];
  let sipPort: number;
  beforeAll(async () => {
    ({ t, c, app, sipPort } = suite);
    other = await t.customer();
  });

  const media = (id: string, key = c.key) => fetch(`${t.url}/v1/recordings/${id}/media`, { headers: { authorization: `Bearer ${key}` } });

  it('records the caller after the prompt, posts the recording to action_url, and serves, lists and deletes the WAV', async () => {
    const number = await numberAnswering('record', [
      { verb: 'say', text: 'Leave a message' },
      { verb: 'record', max_seconds: 3, action_url: `${app.base}/recorded` },
    ]);
    app.routes.set('/recorded', [{ verb: 'hangup' }]);

    const run = await runSipp(scenario('voice-app-record.xml'), number, sipPort, auth(number));
    expect(run.code, explain(run)).toBe(0);
    const call = await callTo(number, (x) => x?.ended_at != null);
    expect(call).toMatchObject({ status: 'completed', hangup_by: 'callee', hangup_cause: 'normal' });

    const posted = app.requests.filter((r) => r.path === '/recorded');
    expect(posted).toHaveLength(1);
    const { recording_id: id, recording_url, duration_seconds } = posted[0]!.body;
    expect(posted[0]!.body).toMatchObject({ call_id: call?.id, status: 'in_progress' });
    expect(id).toMatch(/^rec_/);
    expect(recording_url).toBe(`${t.url}/v1/recordings/${id}/media`);
    expect(duration_seconds).toBeGreaterThanOrEqual(2);
    expect(duration_seconds).toBeLessThanOrEqual(3);

    const recording = await c.api.get(`/v1/recordings/${id}`);
    expect(recording.status).toBe(200);
    expect(recording.body).toMatchObject({
      id,
      object: 'recording',
      account_id: c.accountId,
      call_id: call?.id,
      status: 'completed',
      duration_seconds,
      media_url: recording_url,
    });
    const list = await c.api.get(`/v1/recordings?call_id=${call?.id}`);
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await c.api.get('/v1/recordings')).body.data[0].id).toBe(id);

    const events = await t.server.store.db.selectFrom('events').select(['type', 'payload', 'account_id']).where('object_id', '=', id).execute();
    expect(events.map((e) => e.type)).toEqual(['call.recording.completed']);
    expect(events[0]?.account_id).toBe(c.accountId);
    expect(JSON.parse(events[0]!.payload).data.object).toEqual(recording.body);

    const res = await media(id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.length).toBe(recording.body.size_bytes);
    const samples = wavSamples(wav);
    // 8 kHz 16-bit: 16 000 bytes a second; the duration is rounded up to whole seconds.
    expect(samples.length * 2).toBeGreaterThan((duration_seconds - 1) * 16_000);
    expect(samples.length * 2).toBeLessThanOrEqual(duration_seconds * 16_000);
    // Speech, not silence (A-law silence decodes to +-8).
    expect(rms(samples)).toBeGreaterThan(200);

    // Another account sees none of it.
    expect((await other.api.get(`/v1/recordings/${id}`)).status).toBe(404);
    expect((await media(id, other.key)).status).toBe(404);
    expect((await other.api.delete(`/v1/recordings/${id}`)).status).toBe(404);
    expect((await other.api.get('/v1/recordings')).body.data).toEqual([]);

    const deleted = await c.api.delete(`/v1/recordings/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id, object: 'recording', deleted: true });
    expect((await c.api.get(`/v1/recordings/${id}`)).status).toBe(404);
    expect((await media(id)).status).toBe(404);
    expect((await c.api.delete(`/v1/recordings/${id}`)).status).toBe(404);
  });

  it('speaks on a call in progress and hangs it up through the API; a call that has ended answers 409', async () => {
    const number = await numberAnswering('hold', [{ verb: 'pause', seconds: 20 }]);
    const sink = await rtpSink();
    try {
      const running = runSipp(scenario('live-control.xml'), number, sipPort, auth(number, { rtpport: sink.port, codec: '8' }));
      const call = await callTo(number, (x) => x?.status === 'in_progress');
      expect(call?.status).toBe('in_progress');
      const id = call?.id as string;
      // The pause sends nothing.
      await new Promise((r) => setTimeout(r, 300));
      expect(sink.pcma()).toBe(0);

      expect((await other.api.post(`/v1/calls/${id}/actions/say`, { text: 'Hello' })).status).toBe(404);
      const said = await c.api.post(`/v1/calls/${id}/actions/say`, {
        text: 'This message interrupts the pause. It is long enough to still be playing when the test hangs up.',
      });
      expect(said.status).toBe(200);
      expect(said.body).toMatchObject({ id, status: 'in_progress' });
      await eventually(
        async () => sink.pcma(),
        (n) => n >= 25,
      );
      expect(sink.pcma()).toBeGreaterThanOrEqual(25);

      const hungUp = await c.api.post(`/v1/calls/${id}/actions/hangup`, undefined, { headers: { 'idempotency-key': `hangup-${kind}` } });
      expect(hungUp.status).toBe(200);
      expect(hungUp.body).toMatchObject({ id, status: 'completed', hangup_by: 'callee', hangup_cause: 'normal' });
      const run = await running;
      expect(run.code, explain(run)).toBe(0);

      const again = await c.api.post(`/v1/calls/${id}/actions/say`, { text: 'Too late' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('call_not_active');
      expect((await c.api.post(`/v1/calls/${id}/actions/hangup`)).body.code).toBe('call_not_active');
    } finally {
      sink.socket.close();
    }
  });

  it('records a call in progress between record/start and record/stop', async () => {
    const number = await numberAnswering('hold-record', [{ verb: 'pause', seconds: 20 }]);
    const running = runSipp(scenario('voice-app-record.xml'), number, sipPort, auth(number));
    const call = await callTo(number, (x) => x?.status === 'in_progress');
    const id = call?.id as string;
    // A channel layout other than mono or dual is refused before anything starts.
    const bad = await c.api.post(`/v1/calls/${id}/actions/record/start`, { channels: 'stereo' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await c.api.post(`/v1/calls/${id}/actions/record/stop`)).status).toBe(200);
    expect((await c.api.get(`/v1/recordings?call_id=${id}`)).body.data).toHaveLength(0);
    expect((await c.api.post(`/v1/calls/${id}/actions/record/start`)).body).toMatchObject({ id, status: 'in_progress' });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await c.api.post(`/v1/calls/${id}/actions/record/stop`)).status).toBe(200);
    const list = await c.api.get(`/v1/recordings?call_id=${id}`);
    expect(list.body.data).toHaveLength(1);
    const recording = list.body.data[0];
    expect(recording.channels).toBe(1);
    expect(recording.duration_seconds).toBeGreaterThanOrEqual(1);
    expect(recording.duration_seconds).toBeLessThanOrEqual(2);
    expect(rms(wavSamples(Buffer.from(await (await media(recording.id)).arrayBuffer())))).toBeGreaterThan(200);

    expect((await c.api.post(`/v1/calls/${id}/actions/hangup`)).body.status).toBe('completed');
    const run = await running;
    expect(run.code, explain(run)).toBe(0);
  });
});
