import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, scenario } from '../test/call-fixtures.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { freeUdpPort, requireSipp, runSipp, SIPP, startSippUas, type SippRun } from '../test/sipp.js';

/**
 * A SIP user's call handling (PUT /v1/sip-users/{id}/call-handling) on real calls: SIPp is every phone,
 * registering from a port and then answering on it, as in user-calls.test.ts. User 201 calls by extension;
 * a PBX trunk calls a number routed to a user; a SIPp UAS is the carrier for forwards to numbers.
 */
requireSipp('SIP user call forwarding');

const REGISTER = fileURLToPath(new URL('../telephony/sip/test-scenarios/register-digest.xml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'prolope-forwarding-'));
function failsWith(status: number): string {
  const file = join(dir, `user-call-${status}.xml`);
  writeFileSync(file, readFileSync(scenario('user-call-fails.xml'), 'utf8').replace('<recv response="480"/>', `<recv response="${status}"/>`));
  return file;
}

interface User {
  id: string;
  username: string;
  domain: string;
  password: string;
}

describe.skipIf(!SIPP).each(storeKinds)('SIP user call forwarding and do-not-disturb, SIPp as the phones (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'fwd', numberBase: 8_720_000, carrier: true });
  let t: TestServer;
  let c: CallSuite['c'];
  let caller: User;
  beforeAll(async () => {
    ({ t, c } = suite);
    caller = await newUser('201');
  });

  async function newUser(ext: string): Promise<User> {
    const res = await c.api.post('/v1/sip-users', { username: ext, extension: ext, max_registrations: 5 });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return { id: res.body.id, username: ext, domain: res.body.domain, password: res.body.password };
  }

  async function handling(u: User, body: unknown): Promise<void> {
    const res = await c.api.request('PUT', `/v1/sip-users/${u.id}/call-handling`, { body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  async function registerFrom(u: User, port: number): Promise<void> {
    const run = await runSipp(REGISTER, u.username, t.server.sipPort!, [
      ...['-au', u.username, '-ap', u.password, '-auth_uri', u.domain],
      ...['-set', 'domain', u.domain, '-set', 'contact', `<sip:${u.username}@127.0.0.1:${port}>`, '-set', 'expires', '600'],
      ...['-p', String(port)],
    ]);
    expect(run.code, explain(run)).toBe(0);
  }

  /** 201 calls `to`; `rtpport` only for scenarios that declare it (user-call-message.xml sends from SIPp's media port). */
  async function call(to: string, file: string, o: { rtpport?: boolean } = {}): Promise<SippRun> {
    return runSipp(file, caller.username, t.server.sipPort!, [
      ...['-au', caller.username, '-ap', caller.password, '-auth_uri', `${to}@${caller.domain}`],
      ...['-set', 'domain', caller.domain, '-set', 'touser', to],
      ...(o.rtpport === false ? [] : ['-set', 'rtpport', String(await freeUdpPort())]),
    ]);
  }

  const calls = async () => (await c.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>;
  /** The caller's call to `ext` and its legs, once all have ended. */
  async function ended(ext: string, legs: number) {
    const list = await eventually(calls, (l) => {
      const parent = l.find((x) => x.direction === 'inbound' && x.to === ext);
      return parent?.ended_at != null && l.filter((x) => x.parent_call_id === parent.id && x.ended_at !== null).length === legs;
    });
    const parent = list.find((x) => x.direction === 'inbound' && x.to === ext)!;
    return { parent, legs: list.filter((x) => x.parent_call_id === parent.id).reverse() };
  }

  it('no answer: after no_answer_seconds the call moves to another user, whose phone answers and is bridged', async () => {
    const a = await newUser('211');
    const b = await newUser('212');
    await handling(a, { forward_no_answer: { type: 'sip_user', sip_user_id: b.id }, no_answer_seconds: 5 });
    const [pa, pb] = [await freeUdpPort(), await freeUdpPort()];
    await registerFrom(a, pa);
    await registerFrom(b, pb);
    const phones = [await startSippUas(scenario('user-phone-ring.xml'), [], pa), await startSippUas(scenario('user-phone-answer.xml'), ['-set', 'rtpport', String(await freeUdpPort())], pb)];
    try {
      const run = await call('211', scenario('user-call.xml'));
      expect(run.code, explain(run)).toBe(0);
      for (const phone of phones) {
        const done = await phone.done;
        expect(done.code, explain(done)).toBe(0);
      }
    } finally {
      for (const phone of phones) phone.stop();
    }
    const { parent, legs } = await ended('211', 2);
    expect(parent).toMatchObject({ from: '201', to: '211', status: 'completed', hangup_by: 'caller' });
    expect(legs.map((l) => [l.to, l.status])).toEqual([
      ['211', 'no_answer'],
      ['212', 'completed'],
    ]);
  });

  it('not registered: the call goes straight to forward_not_registered (another user) without ringing anything', async () => {
    const a = await newUser('221');
    const b = await newUser('222');
    await handling(a, { forward_not_registered: { type: 'sip_user', sip_user_id: b.id } });
    const pb = await freeUdpPort();
    await registerFrom(b, pb);
    const phone = await startSippUas(scenario('user-phone-answer.xml'), ['-set', 'rtpport', String(await freeUdpPort())], pb);
    try {
      const run = await call('221', scenario('user-call.xml'));
      expect(run.code, explain(run)).toBe(0);
      const done = await phone.done;
      expect(done.code, explain(done)).toBe(0);
    } finally {
      phone.stop();
    }
    const { parent, legs } = await ended('221', 1);
    expect(parent).toMatchObject({ to: '221', status: 'completed' });
    expect(legs.map((l) => [l.to, l.status])).toEqual([['222', 'completed']]);
  });

  it('do-not-disturb with a voicemail box as forward_busy: the box answers and the message is stored', async () => {
    const a = await newUser('231');
    const created = await c.api.post('/v1/voicemail-boxes', { name: 'Dee', pin: '2468', greetings: { busy: { type: 'tts', text: 'Busy.' } }, max_message_seconds: 5 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const box = created.body;
    await handling(a, { do_not_disturb: true, forward_busy: { type: 'voicemail_box', voicemail_box_id: box.id } });
    // Registered, but DND: the phone must not ring (nothing listens on its port).
    await registerFrom(a, await freeUdpPort());
    const run = await call('231', scenario('user-call-message.xml'), { rtpport: false });
    expect(run.code, explain(run)).toBe(0);
    const { parent, legs } = await ended('231', 0);
    expect(parent).toMatchObject({ to: '231', status: 'completed', hangup_by: 'callee' });
    expect(legs).toEqual([]);
    const messages = await eventually(
      async () => (await c.api.get(`/v1/voicemail-boxes/${box.id}/messages`)).body.data as Array<Record<string, any>>,
      (d) => d.length === 1,
    );
    expect(messages[0]).toMatchObject({ box_id: box.id, call_id: parent.id, from: '201' });
    expect(messages[0]!.duration_seconds).toBeGreaterThanOrEqual(2);
  });

  it('do-not-disturb without a target: 486 at once, the CDR says do-not-disturb', async () => {
    const a = await newUser('241');
    await handling(a, { do_not_disturb: true });
    const run = await call('241', failsWith(486));
    expect(run.code, explain(run)).toBe(0);
    const { parent, legs } = await ended('241', 0);
    expect(parent).toMatchObject({ status: 'busy', sip_code: 486, hangup_reason: { code: 'busy' } });
    expect(parent.hangup_reason.message).toContain('do-not-disturb');
    expect(legs).toEqual([]);
  });

  it('a forwarding loop (A always to B, B always to A) ends with 482 and hangup_reason forward_loop naming the chain', async () => {
    const a = await newUser('251');
    const b = await newUser('252');
    await handling(a, { forward_always: { type: 'sip_user', sip_user_id: b.id } });
    await handling(b, { forward_always: { type: 'sip_user', sip_user_id: a.id } });
    const run = await call('251', failsWith(482));
    expect(run.code, explain(run)).toBe(0);
    const { parent } = await ended('251', 0);
    expect(parent).toMatchObject({ sip_code: 482, hangup_reason: { code: 'forward_loop' } });
    expect(parent.hangup_reason.message).toContain(`${a.id} -> ${b.id} -> ${a.id}`);
  });

  it('a number routed to a user who forwards always to a number: the PBX call goes out through the carrier showing the called number', async () => {
    const a = await newUser('261');
    const number = suite.fresh();
    await suite.buy(number);
    expect((await c.api.patch(`/v1/numbers/${number}`, { route: { type: 'sip_user', sip_user_id: a.id } })).status).toBe(200);
    const to = '+35929876543';
    await handling(a, { forward_always: { type: 'number', number: to } });
    const carrier = await startSippUas(scenario('outbound-uas.xml'), ['-set', 'rtpport', String(await freeUdpPort()), '-set', 'touser', to], suite.carrierPort);
    try {
      const run = await runSipp(scenario('inbound-caller-bye.xml'), number, suite.sipPort, suite.auth(number, { rtpport: await freeUdpPort(), codec: '8' }));
      expect(run.code, explain(run)).toBe(0);
      const done = await carrier.done;
      expect(done.code, explain(done)).toBe(0);
    } finally {
      carrier.stop();
    }
    const parent = await suite.callTo(number, (x) => x?.status === 'completed');
    const list = await eventually(calls, (l) => l.some((x) => x.parent_call_id === parent!.id && x.status === 'completed'));
    // The leg out shows the account's number that was called (user 261 has no caller_id of their own).
    expect(list.find((x) => x.parent_call_id === parent!.id)).toMatchObject({ direction: 'outbound', from: number, to, sip_code: 200 });
  });
});
