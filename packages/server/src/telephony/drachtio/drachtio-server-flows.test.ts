import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../../test/harness.js';
import { eventually } from '../../test/call-fixtures.js';
import { buyNumbers } from '../../numbers/test-fixtures.js';
import { pbxTrunk } from '../../test/pbx-fixtures.js';
import { type VoiceApplication, voiceApplication } from '../../test/call-suite.js';
import { decodeRtp } from '../media/index.js';
import { digestAuthorization, pickChallenge } from '../sip/digest-client.js';
import { DrachtioServerDouble, inviteText, requestText } from './drachtio-server-double.test-helper.js';
import { type RtpengineDaemon, rtpengineBinary, startRtpengine } from './rtpengine-daemon.test-helper.js';
import { sdpAudioAddress } from './sdp-media-address.js';

/**
 * The whole server on the drachtio backend (PROLOPE_TELEPHONY=drachtio): the calls domain's inbound flow
 * (trunk IP and caller ID, digest, number, PCMA, 183/200, greeting, BYE, CDR and events) through real
 * drachtio-srf talking to the scripted drachtio-server double, with media anchored in a real rtpengine.
 * The same flows as the embedded endpoint's SIPp tests, only the SIP side is the double.
 */
const binary = rtpengineBinary();
const strict = process.env.PROLOPE_TEST_STRICT === '1';
const PBX = { address: '203.0.113.7', port: 5060 };

describe.skipIf(!binary && !strict).each(storeKinds)('the server on the drachtio backend (%s)', (kind) => {
  let daemon: RtpengineDaemon;
  let double: DrachtioServerDouble;
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let seq = 0;
  const username = `drachtio-${kind}-${process.pid}`;
  const password = 'pbx-Secret-2026';
  const fresh = () => `+3592${8_400_000 + ++seq + (kind === 'postgres' ? 500 : 0)}`;
  let from: string;
  let to: string;
  let app: VoiceApplication;

  beforeAll(async () => {
    if (!binary) throw new Error('PROLOPE_TEST_STRICT=1 but no `rtpengine` binary: apt-get install rtpengine-daemon');
    daemon = await startRtpengine(binary, kind === 'sqlite' ? [37600, 37699] : [37700, 37799], ['--delete-delay=0']);
    double = new DrachtioServerDouble('flows-secret');
    const port = await double.listen();
    t = await startTestServer(kind, {
      config: {
        telephony: 'drachtio',
        drachtio: { host: '127.0.0.1', port, secret: 'flows-secret' },
        // Asked often here, so a test sees rtpengine lost mid-call within seconds.
        rtpengine: { host: '127.0.0.1', port: daemon.ngPort, checkIntervalMs: 200 },
        rtpPortRange: kind === 'sqlite' ? [37800, 37899] : [37900, 37999],
      },
    });
    expect(double.authenticated).toBe(true);
    c = await t.customer();
    from = fresh();
    to = fresh();
    await buyNumbers(t.operator, c.api, [from, to]);
    await pbxTrunk(c.api, { username, password, callerIds: [from], ips: ['203.0.113.0/24'], name: 'PBX behind drachtio' });
    app = await voiceApplication();
  });
  afterAll(async () => {
    app?.server.close();
    await t?.close();
    await double?.close();
    await daemon?.stop();
  });

  const sdpFor = (port: number, codecs = '8 101') =>
    `v=0\r\no=pbx 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP ${codecs}\r\na=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n`;

  /** INVITE, 401, INVITE with the trunk's digest: resolves with the Call-ID of the authenticated INVITE. */
  async function authenticatedInvite(callId: string, sdp: string, caller = from, callee = to): Promise<void> {
    const to = callee;
    double.deliver(inviteText({ callId, from: caller, to, sdp }), PBX);
    const challenge = await double.waitFor((m) => m.status === 401 && m.header('call-id') === callId);
    const picked = pickChallenge(challenge.all('www-authenticate'));
    if (!picked) throw new Error('no usable challenge');
    const authorization = digestAuthorization(picked, { username, password }, 'INVITE', `sip:${to}@127.0.0.1:5060`);
    double.deliver(inviteText({ callId, from: caller, to, sdp, authorization, cseq: 2 }), PBX);
  }

  const calls = async () => (await c.api.get('/v1/calls?limit=100')).body.data as Array<Record<string, any>>;
  const callOf = (callId: string) =>
    eventually(
      async () => (await calls()).find((x) => x.sip_call_id === callId),
      (x) => x?.ended_at != null,
    );

  it('answers an authorized PCMA call with 183 and 200, plays the greeting through rtpengine, hangs up and keeps a CDR', async () => {
    const caller: Socket = createSocket('udp4');
    await new Promise<void>((r) => caller.bind(0, '127.0.0.1', r));
    const packets: Array<{ seq: number; ts: number }> = [];
    caller.on('message', (m) => {
      const p = decodeRtp(m);
      if (p?.payloadType === 8) packets.push({ seq: p.sequenceNumber, ts: p.timestamp });
    });
    try {
      const callId = `drachtio-ok-${kind}`;
      await authenticatedInvite(callId, sdpFor(caller.address().port));
      const early = await double.waitFor((m) => m.status === 183 && m.header('call-id') === callId);
      // The 183 offers rtpengine's port, PCMA at 20 ms.
      expect(early.body).toMatch(/m=audio \d+ RTP\/AVP 8( 101)?\r\n/);
      expect(early.body).toContain('a=ptime:20');
      const port = sdpAudioAddress(early.body)?.port ?? 0;
      expect(port).toBeGreaterThanOrEqual(kind === 'sqlite' ? 37600 : 37700);
      expect(port).toBeLessThanOrEqual(kind === 'sqlite' ? 37699 : 37799);
      await double.waitFor((m) => m.status === 200 && m.header('call-id') === callId);
      double.deliver(requestText('ACK', callId, 2), PBX, double.dialogOf(callId));
      // The greeting ends with Prolope's BYE (the double answers it 200, as the caller would).
      // drachtio-srf names the dialog of an in-dialog request; drachtio-server fills in its Call-ID.
      const dialog = double.dialogOf(callId);
      await double.waitFor((m) => m.method === 'BYE' && m.dialogId === dialog, 20_000);
      // Our media worker sends the greeting paced while this thread may be busy: packets can still wait in
      // the caller's socket when the BYE is seen. rtpengine's threads may also swap two packets, so the
      // stream is checked in sequence order, as a caller's jitter buffer would take it: 160 samples a packet.
      expect(await eventually(async () => packets.length, (n) => n > 100)).toBeGreaterThan(100);
      const inOrder = [...packets].sort((a, b) => ((a.seq - packets[0]!.seq) & 0xffff) - ((b.seq - packets[0]!.seq) & 0xffff));
      for (let i = 1; i < inOrder.length; i++) {
        const step = (inOrder[i]!.seq - inOrder[i - 1]!.seq) & 0xffff;
        expect((inOrder[i]!.ts - inOrder[i - 1]!.ts + 2 ** 32) % 2 ** 32).toBe(160 * step);
      }
      const call = await callOf(callId);
      expect(call).toMatchObject({ direction: 'inbound', from, to, status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
      const events = await t.server.store.db.selectFrom('events').select('type').where('object_id', '=', call?.id).orderBy('id').execute();
      expect(events.map((e) => e.type)).toEqual(['call.initiated', 'call.answered', 'call.completed']);
    } finally {
      caller.close();
    }
  });

  it('refuses only-PCMU with 488 after the digest and records the failed call', async () => {
    const callId = `drachtio-488-${kind}`;
    await authenticatedInvite(callId, sdpFor(40000, '0 101'));
    const refused = await double.waitFor((m) => m.status === 488 && m.header('call-id') === callId);
    expect(refused.header('warning')).toMatch(/PCMA/);
    expect(await callOf(callId)).toMatchObject({ status: 'failed', sip_code: 488, hangup_cause: 'rejected' });
  });

  it('refuses a caller ID the trunk does not allow, and a source outside its allowlist, with 403 and no call', async () => {
    const before = (await calls()).length;
    double.deliver(inviteText({ callId: `drachtio-cli-${kind}`, from: fresh(), to, sdp: sdpFor(40000) }), PBX);
    expect((await double.waitFor((m) => m.status === 403 && m.header('call-id') === `drachtio-cli-${kind}`)).raw).toMatch(/^SIP\/2\.0 403 Caller ID/);
    double.deliver(inviteText({ callId: `drachtio-ip-${kind}`, from, to, sdp: sdpFor(40000) }), { address: '198.51.100.9', port: 5060 });
    expect((await double.waitFor((m) => m.status === 403 && m.header('call-id') === `drachtio-ip-${kind}`)).raw).toMatch(/^SIP\/2\.0 403 Source IP/);
    expect(await calls()).toHaveLength(before);
  });

  it('seats a caller in a conference room (our media plane behind rtpengine mixes) and runs the next instructions after the time limit', async () => {
    const room = fresh();
    await buyNumbers(t.operator, c.api, [room]);
    app.routes.set('/voice/room', [{ verb: 'conference', name: 'standup', time_limit_seconds: 2, action_url: `${app.base}/voice/room-left` }]);
    app.routes.set('/voice/room-left', [{ verb: 'hangup' }]);
    expect((await c.api.patch(`/v1/numbers/${room}`, { voice: { url: `${app.base}/voice/room` } })).status).toBe(200);
    const callId = `drachtio-conference-${kind}`;
    await authenticatedInvite(callId, sdpFor(40002), from, room);
    await double.waitFor((m) => m.status === 200 && m.header('call-id') === callId);
    double.deliver(requestText('ACK', callId, 2), PBX, double.dialogOf(callId));
    const rooms = await eventually(
      async () => (await c.api.get('/v1/conferences')).body.data as Array<{ name: string; participants: unknown[] }>,
      (r) => r.length === 1,
    );
    expect(rooms[0]).toMatchObject({ name: 'standup' });
    expect(rooms[0]?.participants).toHaveLength(1);
    const left = await eventually(
      async () => app.requests.filter((r) => r.path === '/voice/room-left'),
      (r) => r.length > 0,
    );
    expect(left[0]?.body).toMatchObject({ conference_status: 'time_limit' });
    // The action_url's hangup ends the call normally: nothing crashed.
    const dialog = double.dialogOf(callId);
    await double.waitFor((m) => m.method === 'BYE' && m.dialogId === dialog, 20_000);
    const call = await callOf(callId);
    expect(call).toMatchObject({ status: 'completed', hangup_by: 'callee', hangup_cause: 'normal' });
    expect((await c.api.get('/v1/conferences')).body.data).toEqual([]);
  });

  // Near the end: it stops this file's rtpengine.
  it('ends an answered call with a cause and call.completed, and BYEs the caller, when rtpengine is killed mid-call', async () => {
    const held = fresh();
    await buyNumbers(t.operator, c.api, [held]);
    app.routes.set('/voice/wait', { instructions: [{ verb: 'pause', seconds: 120 }] });
    expect((await c.api.patch(`/v1/numbers/${held}`, { voice: { url: `${app.base}/voice/wait` } })).status).toBe(200);
    const callId = `drachtio-relay-lost-${kind}`;
    await authenticatedInvite(callId, sdpFor(40000), from, held);
    await double.waitFor((m) => m.status === 200 && m.header('call-id') === callId);
    double.deliver(requestText('ACK', callId, 2), PBX, double.dialogOf(callId));
    const answered = await eventually(
      async () => (await calls()).find((x) => x.sip_call_id === callId),
      (x) => x?.status === 'in_progress',
    );
    expect(answered?.status).toBe('in_progress');
    await daemon.stop();
    // Long before the pause ends (and before our leg's RTP timeout), the call is ended and the caller told.
    const dialog = double.dialogOf(callId);
    await double.waitFor((m) => m.method === 'BYE' && m.dialogId === dialog, 20_000);
    const call = await callOf(callId);
    expect(call).toMatchObject({ hangup_by: 'system', hangup_cause: 'error', hangup_reason: { code: 'media_unavailable' } });
    expect(call?.hangup_reason.message).toMatch(/media relay lost the call/);
    const events = await t.server.store.db.selectFrom('events').select('type').where('object_id', '=', call?.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['call.initiated', 'call.answered', 'call.completed']);
  });

  // Last: rtpengine is stopped by now (stop() is idempotent).
  it('ends the call record with a cause and call.completed when rtpengine does not answer at setup (killed), and answers 500', async () => {
    await daemon.stop();
    const callId = `drachtio-no-relay-${kind}`;
    await authenticatedInvite(callId, sdpFor(40000));
    await double.waitFor((m) => m.status === 500 && m.header('call-id') === callId, 15_000);
    const call = await callOf(callId);
    expect(call).toMatchObject({
      status: 'failed',
      sip_code: 500,
      hangup_by: 'system',
      hangup_cause: 'error',
      hangup_reason: { code: 'media_unavailable' },
    });
    expect(call?.ended_at).not.toBeNull();
    const events = await t.server.store.db.selectFrom('events').select('type').where('object_id', '=', call?.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['call.initiated', 'call.completed']);
  });
});
