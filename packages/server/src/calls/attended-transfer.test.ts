import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
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
      expect(consultCall).toMatchObject({ from: '202', status: 'completed' });
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
});
