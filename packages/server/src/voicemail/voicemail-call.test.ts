import { beforeAll, describe, expect, it } from 'vitest';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { eventually, explain, scenario } from '../test/call-fixtures.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';

/**
 * Leaving a message end to end: SIPp calls a number through the customer's trunk and plays real speech
 * (sip-tester's g711a.pcap, about 6 s); the number's voice application answers with the `voicemail`
 * verb. The message must be listed in the box, named by `voicemail.message.created`, and download as a
 * WAV that is not silence.
 */
requireSipp('voicemail messages');

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

describe.skipIf(!SIPP).each(storeKinds)('voicemail verb with a SIPp caller (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'vm', numberBase: 8_450_000 });
  let t: TestServer;
  let c: CallSuite['c'];
  let sipPort: number;
  beforeAll(() => {
    ({ t, c, sipPort } = suite);
  });

  it('plays the greeting and beep, records the caller until the box’s limit, and stores the message', async () => {
    const box = (
      await c.api.post('/v1/voicemail-boxes', {
        name: 'Support',
        pin: '2468',
        // A short greeting, so the recording starts while the caller's 6 s of speech still runs.
        greetings: { unavailable: { type: 'tts', text: 'Hi.' } },
        max_message_seconds: 5,
      })
    ).body;
    const number = await suite.numberAnswering('voicemail', [{ verb: 'voicemail', box_id: box.id }]);
    const run = await runSipp(scenario('voice-app-record.xml'), number, sipPort, suite.auth(number));
    expect(run.code, explain(run)).toBe(0);
    const call = await suite.callTo(number, (x) => x?.ended_at != null);
    expect(call).toMatchObject({ status: 'completed', hangup_by: 'callee' });

    const messages = await eventually(
      async () => (await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data as Array<Record<string, any>>,
      (data) => data.length === 1,
    );
    const message = messages[0]!;
    expect(message).toMatchObject({ object: 'voicemail_message', box_id: box.id, call_id: call?.id, from: suite.from, heard: false });
    expect(message.duration_seconds).toBeGreaterThanOrEqual(2);
    expect(message.duration_seconds).toBeLessThanOrEqual(5);

    const events = await t.server.store.db.selectFrom('events').select(['type', 'payload']).where('object_id', '=', message.id).execute();
    expect(events.map((e) => e.type)).toEqual(['voicemail.message.created']);
    expect(JSON.parse(events[0]!.payload).data.object).toEqual(message);

    const res = await fetch(message.media_url, { headers: { authorization: `Bearer ${c.key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.length).toBe(message.size_bytes);
    const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
    expect(samples.length).toBeGreaterThan(2 * 8000);
    // Speech, not silence: well above the silence threshold of the record verb (RMS 90).
    expect(rms(samples)).toBeGreaterThan(200);
  });

  it('skips a box of another account: the call goes on and nothing is stored in that box', async () => {
    const other = await t.customer();
    const theirs = (await other.api.post('/v1/voicemail-boxes', { name: 'Theirs', pin: '1357' })).body;
    const number = await suite.numberAnswering('foreign-box', [{ verb: 'voicemail', box_id: theirs.id }, { verb: 'say', text: 'Goodbye.' }]);
    const run = await runSipp(scenario('voice-app-record.xml'), number, sipPort, suite.auth(number));
    expect(run.code, explain(run)).toBe(0);
    const call = await suite.callTo(number, (x) => x?.ended_at != null);
    expect(call).toMatchObject({ status: 'completed', hangup_by: 'callee' });
    expect((await other.api.get(`/v1/voicemail-boxes/${theirs.id}/messages`)).body.data).toEqual([]);
  });
});
