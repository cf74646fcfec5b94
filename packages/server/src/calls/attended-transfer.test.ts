import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePcma, tone } from '../telephony/media/index.js';
import { eventually, explain, rtpPeer, scenario } from '../test/call-fixtures.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { newSipUser, registerSipUser, type SipUser } from '../test/sip-user-fixtures.js';
import { freeUdpPort, requireSipp, runSipp, SIPP, startSippUas } from '../test/sipp.js';

/**
 * Attended transfer (REFER with Replaces, RFC 3891) on the embedded backend, SIPp as every phone: B (201)
 * calls A (202); A holds B, has a consultation call with C (203), and REFERs B with Refer-To
 * `<sip:203@...?Replaces=<A-C dialog>>`. Prolope, holding both calls, bridges B's side with C's leg as it
 * is (no new INVITE to C), NOTIFYs A 200 and ends A's two dialogs with BYE; B and C then hear each other.
 *
 * A's consultation call is placed first, so the REFERring phone can be started with its dialog in Refer-To
 * (SIPp takes values at start only); Prolope does not mind the order. The consultation phone writes its
 * dialog to a file the test waits for.
 */
requireSipp('attended transfer');

const dir = mkdtempSync(join(tmpdir(), 'prolope-attended-'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** 160-byte A-law frames of `pcm`, as the media layer cuts them. */
const framesOf = (pcm: Int16Array) => {
  const bytes = encodePcma(pcm);
  return Array.from({ length: Math.floor(bytes.length / 160) }, (_, i) => bytes.subarray(i * 160, (i + 1) * 160));
};

/** user-phone-refer-fails.xml expecting exactly `status` in the final NOTIFY. */
function referFailsWith(status: number): string {
  const file = join(dir, `refer-fails-${status}.xml`);
  writeFileSync(file, readFileSync(scenario('user-phone-refer-fails.xml'), 'utf8').replace('SIP/2.0 [45][0-9][0-9] ', `SIP/2.0 ${status} `));
  return file;
}

describe.skipIf(!SIPP).each(storeKinds)('attended transfer (REFER with Replaces), SIPp as the phones (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'attended', numberBase: 8_780_000 });
  let t: TestServer;
  let c: CallSuite['c'];
  let b: SipUser;
  beforeAll(async () => {
    ({ t, c } = suite);
    b = await newSipUser(c.api, '201');
  });

  const calls = async (client = c) => (await client.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>;
  const auth = (u: SipUser, to: string) => ['-au', u.username, '-ap', u.password, '-auth_uri', `${to}@${u.domain}`, '-set', 'domain', u.domain, '-set', 'touser', to];

  /** A's consultation call to `to`: runs until Prolope's BYE; `dialog` resolves with what its Replaces names. */
  async function consult(a: SipUser, to: string) {
    const file = join(dir, `dialog-${a.username}-${Date.now()}`);
    const run = runSipp(scenario('attended-consult.xml'), a.username, t.server.sipPort!, [
      ...auth(a, to),
      ...['-set', 'rtpport', String(await freeUdpPort()), '-set', 'dialogfile', file],
    ]);
    const line = await eventually(
      async () => (existsSync(file) ? readFileSync(file, 'utf8').trim() : ''),
      (s) => s !== '',
    );
    if (line === '') {
      const failed = await run;
      expect.fail(`the consultation call wrote no dialog: ${explain(failed)}`);
    }
    const [callId, toTag, fromTag] = line.split(' ');
    expect(callId && toTag && fromTag, `the consultation call wrote a dialog without tags: ${line}`).toBeTruthy();
    return { run, replaces: `${callId};to-tag=${toTag};from-tag=${fromTag}` };
  }

  it('A holds B, consults C and REFERs B with Replaces: NOTIFY 200, A gets BYE on both calls, B and C hear each other; CDRs and call.transferred (attended)', async () => {
    const a = await newSipUser(c.api, '202');
    const cu = await newSipUser(c.api, '203');
    const aPort = await freeUdpPort();
    const cPort = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, a, aPort);
    await registerSipUser(t.server.sipPort!, cu, cPort);
    const bPeer = await rtpPeer();
    const cPeer = await rtpPeer();
    let talking = true;
    const target = await startSippUas(scenario('attended-target.xml'), ['-set', 'rtpport', String(cPeer.port)], cPort);
    try {
      const before = new Set((await calls()).map((x) => x.id));
      const consultation = await consult(a, '203');
      const referTo = `sip:203@${a.domain}?Replaces=${encodeURIComponent(consultation.replaces)}`;
      const transferor = await startSippUas(scenario('attended-transferor.xml'), ['-set', 'rtpport', String(await freeUdpPort()), '-set', 'referto', referTo], aPort);
      const caller = runSipp(scenario('user-call-until-bye.xml'), b.username, t.server.sipPort!, [...auth(b, '202'), '-set', 'rtpport', String(bPeer.port)]);

      // B talks all along (from its ringback on: Prolope's address is known then).
      const prolopeB = (await eventually(async () => bPeer.source(), (s) => s !== undefined)) as { address: string; port: number };
      const fromB = framesOf(tone(1000, 20 * 50, 0.4));
      const bFrames = new Set(fromB.map(hex));
      const talk = (async () => {
        while (talking) await bPeer.sendFrames(prolopeB, fromB);
      })();
      // After the transfer C hears B ...
      await eventually(
        async () => cPeer.packets.filter((p) => bFrames.has(hex(p.payload))).length,
        (n) => n > 10,
        100,
      );
      const heardB = cPeer.packets.filter((p) => bFrames.has(hex(p.payload)));
      expect(heardB.length).toBeGreaterThan(10);
      // ... and B hears C, whose audio goes back where Prolope's came from (symmetric RTP).
      const fromC = framesOf(tone(500, 20 * 25, 0.4));
      const cFrames = new Set(fromC.map(hex));
      await cPeer.sendFrames(heardB[0]!.from, fromC);
      const heardC = await eventually(
        async () => bPeer.packets.filter((p) => cFrames.has(hex(p.payload))).length,
        (n) => n > 10,
      );
      expect(heardC).toBeGreaterThan(10);
      talking = false;
      await talk;

      // The transferor saw 202, NOTIFY 100 and 200, and Prolope's BYE on this call; its consultation call got BYE too.
      const done = await transferor.done;
      expect(done.code, explain(done)).toBe(0);
      const consulted = await consultation.run;
      expect(consulted.code, explain(consulted)).toBe(0);

      // B hangs up through the API: C gets BYE from the bridge it was moved to.
      const list = await calls();
      const parent = list.find((x) => !before.has(x.id) && x.direction === 'inbound' && x.to === '202')!;
      expect((await c.api.post(`/v1/calls/${parent.id}/actions/hangup`)).status).toBe(200);
      const run = await caller;
      expect(run.code, explain(run)).toBe(0);
      const targetRun = await target.done;
      expect(targetRun.code, explain(targetRun)).toBe(0);

      const ended = (await eventually(calls, (l) => l.filter((x) => !before.has(x.id) && x.ended_at !== null).length === 4)).filter((x) => !before.has(x.id));
      expect(ended.every((x) => x.ended_at !== null)).toBe(true);
      const consultCall = ended.find((x) => x.direction === 'inbound' && x.to === '203')!;
      const toC = ended.find((x) => x.parent_call_id === consultCall.id)!;
      const toA = ended.find((x) => x.parent_call_id === parent.id)!;
      expect(parent).toMatchObject({ from: '201', to: '202' });
      expect(toA).toMatchObject({ to: '202', status: 'completed', hangup_reason: { code: 'normal_clearing', message: 'transferred the caller to 203' } });
      // C's leg stays the consultation call's child (its CDR names who placed it); it ended when B hung up.
      expect(toC).toMatchObject({ to: '203', status: 'completed' });
      expect(toC.answered_at).not.toBeNull();
      expect(consultCall).toMatchObject({ from: '202', status: 'completed', hangup_by: 'callee', hangup_reason: { code: 'normal_clearing' } });
      expect(consultCall.hangup_reason.message).toMatch(/attended transfer/);
      const events = await t.server.store.db.selectFrom('events').select(['type', 'payload']).where('object_id', '=', parent.id).orderBy('id').execute();
      const transferred = events.filter((e) => e.type === 'call.transferred');
      expect(transferred).toHaveLength(1);
      expect(JSON.parse(transferred[0]!.payload).data).toMatchObject({
        method: 'attended',
        to: '203',
        transferred_by_call_id: toA.id,
        call_id: toC.id,
        replaced_call_id: consultCall.id,
        object: { id: parent.id },
      });
      // Nothing is left offered for a Replaces once the calls ended.
      expect(t.server.runtime.bridges.size).toBe(0);
    } finally {
      talking = false;
      target.stop();
      bPeer.socket.close();
      cPeer.socket.close();
    }
  });
  /** Hangs up (API) the live inbound call to `to` that `client` sees; answers it. */
  async function hangUpCallTo(client: CallSuite['c'], to: string, before: Set<string>) {
    const live = await eventually(
      async () => (await calls(client)).find((x) => !before.has(x.id) && x.direction === 'inbound' && x.to === to && x.ended_at === null),
      (x) => x !== undefined,
    );
    expect((await client.api.post(`/v1/calls/${live!.id}/actions/hangup`)).status).toBe(200);
    return live!;
  }

  /** Registers `ext`'s device and starts the target phone on it (answers, stays until BYE). */
  async function targetPhone(client: CallSuite['c'], ext: string, rtpPort?: number) {
    const u = await newSipUser(client.api, ext);
    const port = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, u, port);
    return startSippUas(scenario('attended-target.xml'), ['-set', 'rtpport', String(rtpPort ?? (await freeUdpPort()))], port);
  }

  it("a Replaces naming no call of this account (an unknown dialog, another account's consultation call) gets NOTIFY 481; the two stay bridged", async () => {
    const other = await t.customer();
    const otherA = await newSipUser(other.api, '202');
    const otherTarget = await targetPhone(other, '203');
    const a = await newSipUser(c.api, '212');
    const aPort = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, a, aPort);
    try {
      const before = new Set((await calls()).map((x) => x.id));
      const otherBefore = new Set<string>();
      const theirs = await consult(otherA, '203');
      for (const replaces of ['unknown@host;to-tag=1;from-tag=2', theirs.replaces]) {
        const referTo = `sip:203@${a.domain}?Replaces=${encodeURIComponent(replaces)}`;
        const transferor = await startSippUas(referFailsWith(481), ['-set', 'rtpport', String(await freeUdpPort()), '-set', 'referto', referTo], aPort);
        try {
          const run = await runSipp(scenario('user-call-until-bye.xml'), b.username, t.server.sipPort!, [...auth(b, '212'), '-set', 'rtpport', String(await freeUdpPort())]);
          const done = await transferor.done;
          expect(done.code, explain(done)).toBe(0);
          expect(run.code, explain(run)).toBe(0);
        } finally {
          transferor.stop();
        }
      }
      // The other account's consultation call went on untouched: its own hang-up ends it.
      const consultCall = await hangUpCallTo(other, '203', otherBefore);
      const theirRun = await theirs.run;
      expect(theirRun.code, explain(theirRun)).toBe(0);
      const targetRun = await otherTarget.done;
      expect(targetRun.code, explain(targetRun)).toBe(0);
      expect(consultCall).toMatchObject({ from: '202', to: '203' });
      // Each of ours: the caller's call and its leg to 212, both ended by 212's own BYE; no transfer recorded.
      const ours = (await eventually(calls, (l) => l.filter((x) => !before.has(x.id) && x.ended_at !== null).length === 4)).filter((x) => !before.has(x.id));
      expect(ours.map((x) => x.to).sort()).toEqual(['212', '212', '212', '212']);
      const events = await t.server.store.db
        .selectFrom('events')
        .select('type')
        .where(
          'object_id',
          'in',
          ours.map((x) => x.id),
        )
        .execute();
      expect(events.map((e) => e.type)).not.toContain('call.transferred');
    } finally {
      otherTarget.stop();
    }
  });

  it('an INVITE with Replaces from a user phone takes the consultation call: 200, the replaced phone gets BYE, the leg stays up; one naming nothing gets 481 and writes nothing', async () => {
    const a = await newSipUser(c.api, '222');
    const target = await targetPhone(c, '223');
    try {
      const before = new Set((await calls()).map((x) => x.id));
      const refused = await runSipp(scenario('user-call-replaces-fails.xml'), b.username, t.server.sipPort!, [
        ...auth(b, '223'),
        ...['-set', 'rtpport', String(await freeUdpPort()), '-set', 'replaces', 'unknown@host;to-tag=1;from-tag=2'],
      ]);
      expect(refused.code, explain(refused)).toBe(0);
      expect((await calls()).filter((x) => !before.has(x.id))).toEqual([]);

      const consultation = await consult(a, '223');
      const replacing = runSipp(scenario('user-call-replaces.xml'), b.username, t.server.sipPort!, [
        ...auth(b, '223'),
        ...['-set', 'rtpport', String(await freeUdpPort()), '-set', 'replaces', consultation.replaces],
      ]);
      // The replaced phone hears BYE once the new one is answered.
      const replaced = await consultation.run;
      expect(replaced.code, explain(replaced)).toBe(0);
      // The new call owns the leg to 223 now: hanging it up ends that leg (its phone gets BYE).
      const list = await eventually(calls, (l) => l.some((x) => !before.has(x.id) && x.from === '201' && x.to === '223' && x.answered_at !== null));
      const replacer = list.find((x) => !before.has(x.id) && x.from === '201' && x.to === '223')!;
      expect((await c.api.post(`/v1/calls/${replacer.id}/actions/hangup`)).status).toBe(200);
      const run = await replacing;
      expect(run.code, explain(run)).toBe(0);
      const targetRun = await target.done;
      expect(targetRun.code, explain(targetRun)).toBe(0);
      const ended = (await eventually(calls, (l) => l.filter((x) => !before.has(x.id) && x.ended_at !== null).length === 3)).filter((x) => !before.has(x.id));
      const consultCall = ended.find((x) => x.direction === 'inbound' && x.from === '222')!;
      const leg = ended.find((x) => x.parent_call_id === consultCall.id)!;
      expect(consultCall).toMatchObject({ to: '223', status: 'completed', hangup_reason: { code: 'normal_clearing' } });
      expect(consultCall.hangup_reason.message).toMatch(/replaced/);
      expect(leg).toMatchObject({ to: '223', status: 'completed', hangup_by: 'caller' });
      expect(ended.find((x) => x.id === replacer.id)).toMatchObject({ from: '201', status: 'completed' });
      expect(t.server.runtime.bridges.size).toBe(0);
    } finally {
      target.stop();
    }
  });
  it('an INVITE with Replaces naming an early dialog (a consultation call still ringing) gets 481; nothing is written and the ringing goes on', async () => {
    const a = await newSipUser(c.api, '232');
    const ringer = await newSipUser(c.api, '233');
    const ringerPort = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, ringer, ringerPort);
    const phone = await startSippUas(scenario('user-phone-ring.xml'), [], ringerPort);
    const file = join(dir, 'dialog-early');
    // Stopped by the test once done (it never answers): started as a "UAS" so it can be stopped, with the remote host last.
    const early = await startSippUas(scenario('attended-consult-early.xml'), [
      ...['-s', a.username, ...auth(a, '233'), '-set', 'rtpport', String(await freeUdpPort()), '-set', 'dialogfile', file],
      `127.0.0.1:${t.server.sipPort!}`,
    ]);
    try {
      const line = await eventually(
        async () => (existsSync(file) ? readFileSync(file, 'utf8').trim() : ''),
        (x) => x !== '',
      );
      const [callId, toTag, fromTag] = line.split(' ');
      expect(callId && toTag && fromTag, `the ringing call wrote no dialog: ${line}`).toBeTruthy();
      const before = new Set((await calls()).map((x) => x.id));
      const refused = await runSipp(scenario('user-call-replaces-fails.xml'), b.username, t.server.sipPort!, [
        ...auth(b, '233'),
        ...['-set', 'rtpport', String(await freeUdpPort()), '-set', 'replaces', `${callId};to-tag=${toTag};from-tag=${fromTag}`],
      ]);
      expect(refused.code, explain(refused)).toBe(0);
      const after = await calls();
      expect(after.filter((x) => !before.has(x.id))).toEqual([]);
      // The consultation call still rings: not answered, not ended.
      expect(after.find((x) => x.direction === 'inbound' && x.from === '232' && x.to === '233')).toMatchObject({ answered_at: null, ended_at: null });
    } finally {
      early.stop();
      phone.stop();
    }
  });
});
