import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, scenario } from '../test/call-fixtures.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { newSipUser, registerSipUser, type SipUser } from '../test/sip-user-fixtures.js';
import { freeUdpPort, requireSipp, runSipp, SIPP, type SippRun, startSippUas } from '../test/sipp.js';

/**
 * Ring groups end to end on the embedded backend, SIPp as every phone and caller: phones REGISTER
 * from a port and then wait on it as the device (UAS), so Prolope reaches each where its REGISTER came
 * from. Ring timeouts are 1 s, and every wait is on a SIPp run ending or a row appearing.
 */
requireSipp('ring groups');

const SUBSCRIBE_MWI = fileURLToPath(new URL('../voicemail/test-scenarios/subscribe-message-summary.xml', import.meta.url));

type User = SipUser;

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

describe.skipIf(!SIPP).each(storeKinds)('ring groups, SIPp as the phones (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'rg', numberBase: 8_760_000 });
  let t: TestServer;
  let c: CallSuite['c'];
  beforeAll(() => {
    ({ t, c } = suite);
  });

  const newUser = (ext: string): Promise<User> => newSipUser(c.api, ext);

  /** A registered phone of `u` that rings until CANCELled, or answers and waits for BYE. */
  async function phone(u: User, behaviour: 'ring' | 'answer') {
    const port = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, u, port);
    const file = scenario(behaviour === 'ring' ? 'user-phone-ring.xml' : 'user-phone-answer.xml');
    return startSippUas(file, behaviour === 'answer' ? ['-set', 'rtpport', String(await freeUdpPort())] : [], port);
  }

  async function routedNumber(route: unknown): Promise<string> {
    const number = suite.fresh();
    await suite.buy(number);
    const res = await c.api.patch(`/v1/numbers/${number}`, { route });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return number;
  }

  const calls = async () => (await c.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>;
  const legsOf = async (parentId: string) =>
    (await calls())
      .filter((x) => x.parent_call_id === parentId)
      .sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)) || String(a.id).localeCompare(String(b.id)));

  async function ok(run: SippRun | Promise<SippRun>): Promise<void> {
    const done = await run;
    expect(done.code, explain(done)).toBe(0);
  }

  it('sequential, nobody answers: each member rings for its timeout in order, then voicemail takes a message; MWI NOTIFY says yes; the WAV downloads', async () => {
    const [a, b, owner] = [await newUser('701'), await newUser('702'), await newUser('709')];
    const box = (
      await c.api.post('/v1/voicemail-boxes', {
        name: 'Sales',
        pin: '2468',
        sip_user_id: owner.id,
        greetings: { unavailable: { type: 'tts', text: 'Hi.' } },
        max_message_seconds: 5,
      })
    ).body;
    const group = (
      await c.api.post('/v1/ring-groups', {
        name: 'Sales',
        strategy: 'sequential',
        members: [
          { sip_user_id: a.id, timeout_seconds: 1 },
          { sip_user_id: b.id, timeout_seconds: 1 },
        ],
        timeout_seconds: 10,
        fallback: { type: 'voicemail_box', voicemail_box_id: box.id },
      })
    ).body;
    const number = await routedNumber({ type: 'ring_group', ring_group_id: group.id });
    // The box owner's phone subscribes to message-summary: "no" now, "yes" once the message is left.
    const before = t.server.sipStats()?.messageSummarySubscriptions ?? 0;
    const mwi = runSipp(SUBSCRIBE_MWI, owner.username, t.server.sipPort!, [
      '-au',
      owner.username,
      '-ap',
      owner.password,
      '-auth_uri',
      `${owner.username}@${owner.domain}`,
      '-set',
      'domain',
      owner.domain,
    ]);
    await eventually(
      async () => t.server.sipStats()?.messageSummarySubscriptions ?? 0,
      (n) => n === before + 1,
    );
    const phones = [await phone(a, 'ring'), await phone(b, 'ring')];
    try {
      // The caller plays sip-tester's g711a.pcap (about 6 s of speech) once answered, as the message.
      await ok(runSipp(scenario('voice-app-record.xml'), number, suite.sipPort, suite.auth(number)));
      for (const p of phones) await ok(p.done);
      await ok(mwi);
    } finally {
      for (const p of phones) p.stop();
    }
    const parent = await suite.callTo(number, (x) => x?.ended_at != null);
    expect(parent).toMatchObject({ status: 'completed', sip_code: 200 });
    const api = (await c.api.get(`/v1/calls/${parent!.id}`)).body;
    expect(api.routing).toEqual({ ring_group_id: group.id, answered_by_sip_user_id: null, fallback: { type: 'voicemail_box', voicemail_box_id: box.id } });
    const legs = await eventually(
      () => legsOf(parent!.id),
      (l) => l.length === 2 && l.every((x) => x.ended_at !== null),
    );
    expect(legs.map((l) => [l.to, l.status])).toEqual([
      ['701', 'no_answer'],
      ['702', 'no_answer'],
    ]);

    const messages = await eventually(
      async () => (await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data as Array<Record<string, any>>,
      (data) => data.length === 1,
    );
    expect(messages[0]).toMatchObject({ call_id: parent!.id, from: suite.from, heard: false });
    const res = await fetch(messages[0]!.media_url, { headers: { authorization: `Bearer ${c.key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const samples = new Int16Array(wav.buffer.slice(wav.byteOffset + 44, wav.byteOffset + wav.length));
    expect(samples.length).toBeGreaterThan(2 * 8000);
    expect(rms(samples)).toBeGreaterThan(200);
  });

  it('simultaneous: every member rings at once, the first to answer is bridged, the other gets CANCEL; the CDR names who answered', async () => {
    const [a, b] = [await newUser('711'), await newUser('712')];
    const group = (
      await c.api.post('/v1/ring-groups', {
        name: 'Support',
        members: [{ sip_user_id: a.id }, { sip_user_id: b.id }],
        timeout_seconds: 10,
      })
    ).body;
    const number = await routedNumber({ type: 'ring_group', ring_group_id: group.id });
    const phones = [await phone(a, 'ring'), await phone(b, 'answer')];
    try {
      await ok(runSipp(scenario('inbound-caller-bye.xml'), number, suite.sipPort, suite.auth(number, { rtpport: await freeUdpPort(), codec: '8' })));
      for (const p of phones) await ok(p.done);
    } finally {
      for (const p of phones) p.stop();
    }
    const parent = await suite.callTo(number, (x) => x?.status === 'completed');
    expect(parent).toMatchObject({ sip_code: 200, hangup_by: 'caller' });
    const api = (await c.api.get(`/v1/calls/${parent!.id}`)).body;
    expect(api.routing).toEqual({ ring_group_id: group.id, answered_by_sip_user_id: b.id, fallback: null });
    const legs = await eventually(
      () => legsOf(parent!.id),
      (l) => l.length === 1 && l[0]!.ended_at !== null,
    );
    expect(legs[0]).toMatchObject({ to: group.name, status: 'completed', sip_code: 200 });
  });

  it('round-robin: each call starts one member further; dialling the group’s extension from a registered phone rings it too', async () => {
    const [a, b, caller] = [await newUser('721'), await newUser('722'), await newUser('729')];
    const group = (
      await c.api.post('/v1/ring-groups', {
        name: 'Desk',
        extension: '720',
        strategy: 'round_robin',
        members: [
          { sip_user_id: a.id, timeout_seconds: 5 },
          { sip_user_id: b.id, timeout_seconds: 5 },
        ],
        timeout_seconds: 10,
      })
    ).body;
    const number = await routedNumber({ type: 'ring_group', ring_group_id: group.id });
    const answeredBy: string[] = [];
    // Only the member whose turn it is has a phone up: were another rung first, its INVITE would go
    // unanswered and the leg would name the wrong extension.
    for (const [turn, via] of [
      [a, 'number'],
      [b, 'extension'],
      [a, 'number'],
    ] as const) {
      const p = await phone(turn, 'answer');
      try {
        if (via === 'number') {
          await ok(runSipp(scenario('inbound-caller-bye.xml'), number, suite.sipPort, suite.auth(number, { rtpport: await freeUdpPort(), codec: '8' })));
        } else {
          await ok(
            runSipp(scenario('user-call.xml'), caller.username, t.server.sipPort!, [
              ...['-au', caller.username, '-ap', caller.password, '-auth_uri', `720@${caller.domain}`],
              ...['-set', 'domain', caller.domain, '-set', 'touser', '720', '-set', 'rtpport', String(await freeUdpPort())],
            ]),
          );
        }
        await ok(p.done);
      } finally {
        p.stop();
      }
      const parents = await eventually(
        async () => (await calls()).filter((x) => x.routing?.ring_group_id === group.id && x.ended_at !== null),
        (l) => l.length === answeredBy.length + 1,
      );
      const latest = parents.sort((x, y) => String(y.id).localeCompare(String(x.id)))[0]!;
      answeredBy.push(latest.routing.answered_by_sip_user_id);
    }
    expect(answeredBy).toEqual([a.id, b.id, a.id]);
  });

  it('a number routed straight to a voicemail box: the caller is answered by the greeting and leaves a message', async () => {
    const box = (
      await c.api.post('/v1/voicemail-boxes', { name: 'Night', pin: '1357', greetings: { unavailable: { type: 'tts', text: 'Hi.' } }, max_message_seconds: 5 })
    ).body;
    const number = await routedNumber({ type: 'voicemail_box', voicemail_box_id: box.id });
    await ok(runSipp(scenario('voice-app-record.xml'), number, suite.sipPort, suite.auth(number)));
    const parent = await suite.callTo(number, (x) => x?.ended_at != null);
    const api = (await c.api.get(`/v1/calls/${parent!.id}`)).body;
    expect(api).toMatchObject({ status: 'completed', routing: { ring_group_id: null, answered_by_sip_user_id: null, fallback: null } });
    const messages = await eventually(
      async () => (await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data as unknown[],
      (data) => data.length === 1,
    );
    expect(messages[0]).toMatchObject({ call_id: parent!.id });
  });
});
