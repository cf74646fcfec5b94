import { beforeAll, describe, expect, it } from 'vitest';
import { storeKinds, type TestServer } from '../test/harness.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { eventually, explain, rtpSink, scenario } from '../test/call-fixtures.js';
import { type CallSuite, callSuite } from '../test/call-suite.js';

/**
 * Real inbound calls: SIPp plays a customer's PBX on a SIP trunk and calls a number of the same
 * account through the embedded SIP endpoint; the test owns the PBX's RTP port and checks the audio.
 */
requireSipp('inbound calls');

describe.skipIf(!SIPP).each(storeKinds)('inbound SIP calls (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'pbx', numberBase: 8_100_000 });
  const { fresh, auth } = suite;
  let t: TestServer;
  let c: CallSuite['c'];
  let sipPort: number;
  let from: string;
  let to: string;

  beforeAll(async () => {
    ({ t, c, sipPort, from } = suite);
    to = fresh();
    await suite.buy(to);
  });

  const callsOf = async () => (await c.api.get('/v1/calls')).body.data as Array<Record<string, any>>;

  it('answers an authorized PCMA call with 183 and 200, plays the greeting as 20 ms PCMA RTP, hangs up and keeps a CDR', async () => {
    const sink = await rtpSink();
    try {
      const run = await runSipp(scenario('inbound-greeting.xml'), to, sipPort, auth(to, { rtpport: sink.port, codec: '8' }));
      expect(run.code, explain(run)).toBe(0);
      const audio = sink.packets.filter((p) => p.pt === 8);
      // The greeting is a few seconds of speech: 50 packets a second.
      expect(audio.length).toBeGreaterThan(100);
      expect(sink.packets.every((p) => p.pt === 8)).toBe(true);
      for (let i = 1; i < audio.length; i++) {
        const prev = audio[i - 1]!;
        const cur = audio[i]!;
        expect((cur.seq - prev.seq + 65536) % 65536).toBe(1);
        expect((cur.ts - prev.ts + 2 ** 32) % 2 ** 32).toBe(160);
      }
    } finally {
      sink.socket.close();
    }
    const calls = await eventually(callsOf, (list) => list[0]?.status === 'completed');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call).toMatchObject({ direction: 'inbound', from, to, status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
    expect(call.answered_at).not.toBeNull();
    expect(call.duration_seconds).toBeGreaterThanOrEqual(1);
    const events = await t.server.store.db.selectFrom('events').select('type').where('object_id', '=', call.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['call.initiated', 'call.answered', 'call.completed']);
  });

  it('answers an INVITE without SDP (delayed offer) with our offer in the 200, takes the answer from the ACK and plays the greeting there', async () => {
    const sink = await rtpSink();
    const before = (await callsOf()).length;
    try {
      const run = await runSipp(scenario('inbound-delayed-offer.xml'), to, sipPort, auth(to, { rtpport: sink.port }));
      expect(run.code, explain(run)).toBe(0);
      const audio = sink.packets.filter((p) => p.pt === 8);
      expect(audio.length).toBeGreaterThan(100);
      for (let i = 1; i < audio.length; i++) expect((audio[i]!.ts - audio[i - 1]!.ts + 2 ** 32) % 2 ** 32).toBe(160);
    } finally {
      sink.socket.close();
    }
    const calls = await eventually(callsOf, (list) => list.length > before && list[0]?.status === 'completed');
    expect(calls[0]).toMatchObject({ direction: 'inbound', from, to, status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
  });

  it('keeps a delayed-offer call `ringing`, not `early_media`, until its answer: no 183 went out', async () => {
    const number = await suite.numberAnswering('delayed-status', [{ verb: 'say', text: 'Hello.' }]);
    const sink = await rtpSink();
    try {
      const run = await runSipp(scenario('inbound-delayed-offer.xml'), number, sipPort, auth(number, { rtpport: sink.port }));
      expect(run.code, explain(run)).toBe(0);
    } finally {
      sink.socket.close();
    }
    // The voice application is asked before the answer: it sees the call as it is then.
    const asked = suite.app.requests.filter((r) => r.path === '/voice/delayed-status');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.body).toMatchObject({ to: number, status: 'ringing' });
    const call = await suite.callTo(number, (x) => x?.ended_at != null);
    expect(call).toMatchObject({ status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
  });

  it.each([
    ['PCMU', '0'],
    ['G.729', '18'],
  ])('refuses an offer of only %s with 488 after authentication, and records the failed call', async (_name, codec) => {
    const before = (await callsOf()).length;
    const run = await runSipp(scenario('inbound-auth-488.xml'), to, sipPort, auth(to, { rtpport: 40000, codec }));
    expect(run.code, explain(run)).toBe(0);
    // SIPp exits on the 488; the CDR is written just after it, so wait for the final status.
    const calls = await eventually(callsOf, (list) => list.length > before && list[0]?.status !== 'ringing');
    expect(calls).toHaveLength(before + 1);
    expect(calls[0]).toMatchObject({ status: 'failed', sip_code: 488, hangup_cause: 'rejected', hangup_reason: { code: 'media_incompatible' } });
    // The reason names what was offered (a static payload type without a=rtpmap still gets its name).
    expect(calls[0]?.hangup_reason.message).toContain(`offered: ${codec === '0' ? 'PCMU' : 'G729'}/8000`);
    expect(calls[0]?.hangup_reason.message).toContain('Prolope requires PCMA at 20 ms');
  });

  it('answers 404 for a number the account does not hold', async () => {
    const unknown = fresh();
    const run = await runSipp(scenario('inbound-auth-404.xml'), unknown, sipPort, auth(unknown, { rtpport: 40000, codec: '8' }));
    expect(run.code, explain(run)).toBe(0);
  });

  it('refuses a caller ID the trunk does not allow with 403, before asking for credentials', async () => {
    const run = await runSipp(scenario('inbound-refused.xml'), to, sipPort, ['-set', 'from', fresh()]);
    expect(run.code, explain(run)).toBe(0);
  });

  it('refuses a source address outside the trunk allowlist with 403', async () => {
    const run = await runSipp(scenario('inbound-refused.xml'), to, sipPort, ['-set', 'from', from], '127.0.0.2');
    expect(run.code, explain(run)).toBe(0);
  });

  it('recorded no call for refusals that identify no account, and the API shows only this account its calls', async () => {
    const other = await t.customer();
    expect((await other.api.get('/v1/calls')).body.data).toEqual([]);
    const mine = await callsOf();
    expect((await other.api.get(`/v1/calls/${mine[0]!.id}`)).status).toBe(404);
    expect((await c.api.get(`/v1/calls/${mine[0]!.id}`)).body.id).toBe(mine[0]!.id);
    expect((await c.api.get('/v1/calls?status=failed')).body.data.every((x: { status: string }) => x.status === 'failed')).toBe(true);
  });
});
