import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, explain, scenario } from '../test/call-fixtures.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { newSipUser, registerSipUser, type SipUser } from '../test/sip-user-fixtures.js';
import { freeUdpPort, requireSipp, runSipp, SIPP, startSippUas } from '../test/sipp.js';

/**
 * Blind transfer (REFER, RFC 3515) in calls between SIP users, SIPp as every phone: 201 calls 202, 202's
 * device answers and REFERs the caller to another extension; Prolope answers 202, reports the new leg in
 * NOTIFY sipfrag (100 Trying, then the final status), bridges the caller to it and ends 202's leg.
 */
requireSipp('call transfer');

const dir = mkdtempSync(join(tmpdir(), 'prolope-transfer-'));
/** user-phone-refer-refused.xml expecting `status` for the REFER. */
function referRefusedWith(status: number): string {
  const file = join(dir, `refer-refused-${status}.xml`);
  writeFileSync(file, readFileSync(scenario('user-phone-refer-refused.xml'), 'utf8').replace('<recv response="404" />', `<recv response="${status}" />`));
  return file;
}

type User = SipUser;

describe.skipIf(!SIPP).each(storeKinds)('blind transfer (REFER) between SIP users, SIPp as the phones (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'transfer', numberBase: 8_770_000 });
  let t: TestServer;
  let c: CallSuite['c'];
  let caller: User;
  let target: User;
  beforeAll(async () => {
    ({ t, c } = suite);
    caller = await newUser(c, '201');
    target = await newUser(c, '203');
  });

  const newUser = (customer: typeof c, ext: string) => newSipUser(customer.api, ext);
  const registerFrom = (u: User, port: number) => registerSipUser(t.server.sipPort!, u, port);

  /** 201 calls `to` and stays on until Prolope's BYE. */
  async function callUntilBye(to: string) {
    return runSipp(scenario('user-call-until-bye.xml'), caller.username, t.server.sipPort!, [
      ...['-au', caller.username, '-ap', caller.password, '-auth_uri', `${to}@${caller.domain}`],
      ...['-set', 'domain', caller.domain, '-set', 'touser', to, '-set', 'rtpport', String(await freeUdpPort())],
    ]);
  }

  /**
   * Runs 201 → `ext` (a new user, so no earlier device of it rings) with its device playing `file` (its
   * REFER to `referTo`), and `others` on their ports.
   */
  async function transferCall(ext: string, file: string, referTo: string, others: Array<{ file: string; port: number }> = []) {
    const transferor = await newUser(c, ext);
    const port = await freeUdpPort();
    await registerFrom(transferor, port);
    const phones = [
      await startSippUas(file, ['-set', 'rtpport', String(await freeUdpPort()), '-set', 'referto', referTo], port),
      ...(await Promise.all(others.map(async (o) => startSippUas(o.file, ['-set', 'rtpport', String(await freeUdpPort())], o.port)))),
    ];
    try {
      const run = await callUntilBye(ext);
      // The phones first: their scenarios say which REFER step went wrong.
      for (const phone of phones) {
        const done = await phone.done;
        expect(done.code, explain(done)).toBe(0);
      }
      expect(run.code, explain(run)).toBe(0);
    } finally {
      for (const phone of phones) phone.stop();
    }
  }

  /** The calls made since `before` (ids), once `n` of them have ended. */
  const endedSince = async (before: Set<string>, n: number) =>
    (await eventually(calls, (l) => l.filter((x) => !before.has(x.id) && x.ended_at !== null).length === n)).filter((x) => !before.has(x.id));
  const calls = async () => (await c.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>;

  it('202 answers and REFERs 201 to 203: 202 Accepted, NOTIFY 100 then 200, 201 is bridged to 203, 202 gets BYE; CDRs and call.transferred', async () => {
    const targetPort = await freeUdpPort();
    await registerFrom(target, targetPort);
    const before = new Set((await calls()).map((x) => x.id));
    await transferCall('202', scenario('user-phone-refer.xml'), `sip:203@${target.domain}`, [{ file: scenario('user-phone-answer-hangup.xml'), port: targetPort }]);
    const list = await endedSince(before, 3);
    const parent = list.find((x) => x.direction === 'inbound' && x.to === '202')!;
    const legs = list.filter((x) => x.parent_call_id === parent.id);
    const first = legs.find((x) => x.to === '202')!;
    const second = legs.find((x) => x.to === '203')!;
    expect(parent).toMatchObject({ from: '201', status: 'completed', sip_code: 200 });
    expect(first).toMatchObject({ status: 'completed', hangup_by: 'callee', hangup_reason: { code: 'normal_clearing', message: 'transferred the caller to 203' } });
    // The new leg shows the transferred caller, as the first one did.
    expect(second).toMatchObject({ from: '201', to: '203', status: 'completed', hangup_by: 'callee' });
    expect(second.answered_at).not.toBeNull();
    const events = await t.server.store.db.selectFrom('events').select(['type', 'payload']).where('object_id', '=', parent.id).orderBy('id').execute();
    const transferred = events.filter((e) => e.type === 'call.transferred');
    expect(transferred).toHaveLength(1);
    expect(JSON.parse(transferred[0]!.payload).data).toMatchObject({ method: 'blind', to: '203', transferred_by_call_id: first.id, call_id: second.id, object: { id: parent.id } });
  });

  it('a target with no registered device: NOTIFY reports 480, the two stay bridged until the transferor hangs up', async () => {
    const nobody = await newUser(c, '204');
    const before = new Set((await calls()).map((x) => x.id));
    await transferCall('212', scenario('user-phone-refer-fails.xml'), `sip:${nobody.username}@${nobody.domain}`);
    const list = await endedSince(before, 3);
    const parent = list.find((x) => x.direction === 'inbound' && x.to === '212')!;
    const legs = list.filter((x) => x.parent_call_id === parent.id);
    expect(legs.find((x) => x.to === '204')).toMatchObject({ status: 'no_answer' });
    // 212's leg ended by its own BYE after the failed transfer, not by the transfer.
    expect(legs.find((x) => x.to === '212')).toMatchObject({ status: 'completed', hangup_by: 'callee', hangup_reason: { code: 'normal_clearing' } });
    expect(legs.find((x) => x.to === '212')!.hangup_reason.message).not.toMatch(/transferred/);
    const events = await t.server.store.db.selectFrom('events').select('type').where('object_id', '=', parent.id).execute();
    expect(events.map((e) => e.type)).not.toContain('call.transferred');
  });

  it("an unknown extension or another account's gets 404 to the REFER, a Replaces that names no dialog 400; no leg is placed and the call goes on", async () => {
    const before = new Set((await calls()).map((x) => x.id));
    await transferCall('222', referRefusedWith(404), `sip:299@${target.domain}`);
    // Attended transfer (attended-transfer.test.ts) needs the Call-ID and both tags: without from-tag it names nothing.
    await transferCall('232', referRefusedWith(400), `sip:203@${target.domain}?Replaces=abc%40host%3Bto-tag%3D1`);
    // Tenant isolation: another account's extension is not one of this account's, whatever domain the Refer-To names.
    const other = await t.customer();
    const stranger = await newUser(other, '205');
    await transferCall('242', referRefusedWith(404), `sip:205@${stranger.domain}`);
    // Each call is the caller's and the one leg to the transferor, both ended by the transferor's BYE.
    const fresh = await endedSince(before, 6);
    expect(fresh.map((x) => x.to).sort()).toEqual(['222', '222', '232', '232', '242', '242']);
    expect((await other.api.get('/v1/calls')).body.data).toHaveLength(0);
    expect(fresh.every((x) => x.status === 'completed')).toBe(true);
  });

  it('a REFER outside any call gets 403 and nothing happens', async () => {
    const before = (await calls()).length;
    const run = await runSipp(scenario('refer-outside-dialog.xml'), caller.username, t.server.sipPort!, ['-set', 'domain', caller.domain]);
    expect(run.code, explain(run)).toBe(0);
    expect(await calls()).toHaveLength(before);
  });
});
