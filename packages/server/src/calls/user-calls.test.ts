import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, scenario } from '../test/call-fixtures.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { newSipUser, registerSipUser, type SipUser } from '../test/sip-user-fixtures.js';
import { freeUdpPort, requireSipp, runSipp, SIPP, startSippUas, type SippRun } from '../test/sipp.js';

/**
 * Calls between SIP users through the embedded backend (B2BUA), with SIPp as every phone: devices REGISTER
 * from a port (SIPp as a client), then SIPp waits on that same port as the device (UAS), so Prolope reaches
 * each where its REGISTER came from. The caller is another SIPp phone that authenticates with digest.
 */
requireSipp('calls between SIP users');

const dir = mkdtempSync(join(tmpdir(), 'prolope-user-calls-'));
/** user-call-fails.xml expecting `status` instead of 480. */
function failsWith(status: number): string {
  const file = join(dir, `user-call-${status}.xml`);
  writeFileSync(file, readFileSync(scenario('user-call-fails.xml'), 'utf8').replace('<recv response="480"/>', `<recv response="${status}"/>`));
  return file;
}

type User = SipUser;

describe.skipIf(!SIPP).each(storeKinds)('calls between SIP users, SIPp as the phones (%s)', (kind) => {
  // A server with a carrier (a SIPp UAS on carrierPort) and a customer with a PBX trunk, for the calls
  // that leave or enter through them.
  const suite = callSuite(kind, { name: 'users', numberBase: 8_700_000, carrier: true });
  let t: TestServer;
  let c: CallSuite['c'];
  let caller: User;
  let callee: User;
  beforeAll(async () => {
    ({ t, c } = suite);
    caller = await newUser(c, '201');
    callee = await newUser(c, '202');
  });

  const newUser = (customer: typeof c, ext: string) => newSipUser(customer.api, ext);
  /** Registers a device of `u` from 127.0.0.1:`port` (the port the device then answers on). */

  /** `from` calls `to` (a Request-URI user part) in `domain` (default: the caller's), with `password` (default theirs). */
  async function call(from: User, to: string, file: string, o: { domain?: string; password?: string } = {}): Promise<SippRun> {
    const domain = o.domain ?? from.domain;
    return runSipp(file, from.username, t.server.sipPort!, [
      ...['-au', from.username, '-ap', o.password ?? from.password, '-auth_uri', `${to}@${domain}`],
      ...['-set', 'domain', domain, '-set', 'touser', to, '-set', 'rtpport', String(await freeUdpPort())],
    ]);
  }

  const calls = async (customer = c) => (await customer.api.get('/v1/calls')).body.data as Array<Record<string, any>>;

  it('201 calls 202: all three registered devices ring at once, the first to answer is bridged, the other two get CANCEL; both legs have CDRs', async () => {
    const ports = [await freeUdpPort(), await freeUdpPort(), await freeUdpPort()];
    for (const p of ports) await registerSipUser(t.server.sipPort!, callee, p);
    const phones = [
      await startSippUas(scenario('user-phone-ring.xml'), [], ports[0]),
      await startSippUas(scenario('user-phone-ring.xml'), [], ports[1]),
      await startSippUas(scenario('user-phone-answer.xml'), ['-set', 'rtpport', String(await freeUdpPort())], ports[2]),
    ];
    try {
      const run = await call(caller, '202', scenario('user-call.xml'));
      expect(run.code, explain(run)).toBe(0);
      for (const phone of phones) {
        const done = await phone.done;
        expect(done.code, explain(done)).toBe(0);
      }
    } finally {
      for (const phone of phones) phone.stop();
    }
    const list = await eventually(calls, (l) => l.length === 2 && l.every((x) => x.status === 'completed'));
    const parent = list.find((x) => x.direction === 'inbound')!;
    const leg = list.find((x) => x.direction === 'outbound')!;
    expect(parent).toMatchObject({
      from: '201',
      to: '202',
      status: 'completed',
      sip_code: 200,
      parent_call_id: null,
      sip_trunk_id: null,
      phone_number_id: null,
      hangup_by: 'caller',
    });
    expect(leg).toMatchObject({ from: '201', to: '202', status: 'completed', sip_code: 200, parent_call_id: parent.id, sip_trunk_id: null });
    expect(parent.answered_at).not.toBeNull();
    const events = await t.server.store.db.selectFrom('events').select('type').where('object_id', '=', leg.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['call.initiated', 'call.ringing', 'call.answered', 'call.completed']);
  });

  it('the caller hangs up while the devices ring: every device gets CANCEL, and both legs end canceled', async () => {
    const u = await newUser(c, '205');
    const ports = [await freeUdpPort(), await freeUdpPort()];
    for (const p of ports) await registerSipUser(t.server.sipPort!, u, p);
    const phones = await Promise.all(ports.map((p) => startSippUas(scenario('user-phone-ring.xml'), [], p)));
    try {
      const run = await call(caller, '205', scenario('user-call-cancel.xml'));
      expect(run.code, explain(run)).toBe(0);
      for (const phone of phones) {
        const done = await phone.done;
        expect(done.code, explain(done)).toBe(0);
      }
    } finally {
      for (const phone of phones) phone.stop();
    }
    const list = await eventually(calls, (l) => l.filter((x) => x.to === '205' && x.ended_at !== null).length === 2);
    const leg = list.find((x) => x.to === '205' && x.direction === 'outbound')!;
    expect(leg).toMatchObject({ status: 'canceled', hangup_reason: { code: 'canceled' } });
    expect(list.find((x) => x.id === leg.parent_call_id)).toMatchObject({ status: 'canceled', hangup_by: 'caller' });
  });

  it('a busy device: the caller gets 486 and both legs end busy', async () => {
    const u = await newUser(c, '206');
    const port = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, u, port);
    const phone = await startSippUas(scenario('outbound-uas-busy.xml'), [], port);
    try {
      const run = await call(caller, '206', failsWith(486));
      expect(run.code, explain(run)).toBe(0);
      const done = await phone.done;
      expect(done.code, explain(done)).toBe(0);
    } finally {
      phone.stop();
    }
    const list = await eventually(calls, (l) => l.filter((x) => x.to === '206' && x.ended_at !== null).length === 2);
    const leg = list.find((x) => x.to === '206' && x.direction === 'outbound')!;
    expect(leg).toMatchObject({ status: 'busy', sip_code: 486 });
    expect(list.find((x) => x.id === leg.parent_call_id)).toMatchObject({ status: 'busy', sip_code: 486 });
  });

  it('a user with no registered device: the caller gets 480 and both legs record no_answer', async () => {
    const nobody = await newUser(c, '203');
    const before = (await calls()).length;
    const run = await call(caller, nobody.username, failsWith(480));
    expect(run.code, explain(run)).toBe(0);
    const list = await eventually(calls, (l) => l.length === before + 2 && l.every((x) => x.ended_at !== null));
    const leg = list.find((x) => x.direction === 'outbound' && x.to === '203')!;
    expect(leg).toMatchObject({ status: 'no_answer', hangup_reason: { code: 'no_answer' } });
    expect(list.find((x) => x.id === leg.parent_call_id)).toMatchObject({ direction: 'inbound', status: 'no_answer', sip_code: 480 });
  });

  it('a wrong password gets 403 and no call is recorded', async () => {
    const before = (await calls()).length;
    const run = await call(caller, '202', failsWith(403), { password: 'not-the-password-1' });
    expect(run.code, explain(run)).toBe(0);
    expect(await calls()).toHaveLength(before);
  });

  it('an unknown extension gets 404; a number outside without a caller ID on the user gets 403', async () => {
    const before = (await calls()).length;
    const unknown = await call(caller, '299', failsWith(404));
    expect(unknown.code, explain(unknown)).toBe(0);
    const outside = await call(caller, '+35929876543', failsWith(403));
    expect(outside.code, explain(outside)).toBe(0);
    expect(await calls()).toHaveLength(before);
  });

  it("tenant isolation: another account's user cannot reach this account's extension", async () => {
    const other = await t.customer();
    const stranger = await newUser(other, '201');
    const port = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, callee, port);
    const before = (await calls()).length;
    // In their own domain 202 is nobody: 404, and nothing rings here.
    const own = await call(stranger, '202', failsWith(404));
    expect(own.code, explain(own)).toBe(0);
    // In this account's domain their credentials are not a user of it: 403.
    const forged = await call(stranger, '202', failsWith(403), { domain: callee.domain });
    expect(forged.code, explain(forged)).toBe(0);
    expect(await calls()).toHaveLength(before);
    expect(await calls(other)).toHaveLength(0);
  });

  it('a number routed to a user (route on the number): a PBX call to it rings the user\'s device and is bridged', async () => {
    const number = suite.fresh();
    await suite.buy(number);
    const patched = await c.api.patch(`/v1/numbers/${number}`, { route: { type: 'sip_user', sip_user_id: callee.id } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.route).toEqual({ type: 'sip_user', sip_user_id: callee.id, ring_timeout: 30 });
    const port = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, callee, port);
    const phone = await startSippUas(scenario('user-phone-answer.xml'), ['-set', 'rtpport', String(await freeUdpPort())], port);
    try {
      const run = await runSipp(scenario('inbound-caller-bye.xml'), number, suite.sipPort, suite.auth(number, { rtpport: await freeUdpPort(), codec: '8' }));
      expect(run.code, explain(run)).toBe(0);
      const done = await phone.done;
      expect(done.code, explain(done)).toBe(0);
    } finally {
      phone.stop();
    }
    const parent = await suite.callTo(number, (x) => x?.status === 'completed');
    expect(parent).toMatchObject({ direction: 'inbound', from: suite.from, to: number, sip_code: 200, hangup_by: 'caller' });
    const leg = await eventually(calls, (l) => l.some((x) => x.parent_call_id === parent!.id && x.status === 'completed'));
    expect(leg.find((x) => x.parent_call_id === parent!.id)).toMatchObject({ direction: 'outbound', from: suite.from, to: '202', sip_code: 200 });
  });

  it('201 with a caller ID dials an E.164 number: it goes out through the carrier showing that caller ID', async () => {
    const callerId = suite.fresh();
    await suite.buy(callerId);
    const withId = await newUser(c, '204');
    expect((await c.api.patch(`/v1/sip-users/${withId.id}`, { caller_id: callerId })).status).toBe(200);
    const to = '+35929876543';
    const carrier = await startSippUas(scenario('outbound-uas.xml'), ['-set', 'rtpport', String(await freeUdpPort()), '-set', 'touser', to], suite.carrierPort);
    try {
      const run = await call(withId, to, scenario('user-call.xml'));
      expect(run.code, explain(run)).toBe(0);
      const done = await carrier.done;
      expect(done.code, explain(done)).toBe(0);
    } finally {
      carrier.stop();
    }
    // Both legs end (the caller's BYE ends the parent, then the leg's BYE goes to the carrier).
    const list = await eventually(calls, (l) => l.filter((x) => x.to === to && x.status === 'completed').length === 2);
    const leg = list.find((x) => x.direction === 'outbound' && x.to === to)!;
    expect(leg).toMatchObject({ from: callerId, sip_code: 200 });
    expect(list.find((x) => x.id === leg.parent_call_id)).toMatchObject({ direction: 'inbound', from: callerId, to, status: 'completed' });
  });

  it("dialling one of the account's own numbers is an internal inbound call to it (its greeting answers)", async () => {
    const number = suite.fresh();
    await suite.buy(number);
    const run = await call(caller, number, scenario('user-call.xml'));
    expect(run.code, explain(run)).toBe(0);
    const row = await suite.callTo(number, (x) => x?.status === 'completed');
    expect(row).toMatchObject({ direction: 'inbound', from: '201', to: number, sip_trunk_id: null, parent_call_id: null, sip_code: 200 });
    expect(row!.phone_number_id).toMatch(/^pn_/);
  });
});
