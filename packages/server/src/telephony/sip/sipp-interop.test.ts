import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestHa1, SIP_REALM } from '../digest-ha1.js';
import { requireSipp, runSipp as runSippFile, SIPP, type SippRun } from '../../test/sipp.js';
import type { CallEnd, SipInboundCall } from '../backend.js';
import { EmbeddedSip } from './embedded-sip.js';
import { eventually } from './sip-test-client.js';

/**
 * Interoperability against a real, independent SIP implementation: SIPp drives scripted UAC
 * scenarios (test-scenarios/*.xml) at our UAS; SIPp's exit code 0 means every expected message came
 * in order. Its own digest code proves our challenge/verify interoperate.
 */

const SCENARIOS = fileURLToPath(new URL('./test-scenarios/', import.meta.url));
const SDP_ANSWER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 41000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n';
const TRUNK = { username: 'trunk1', password: 's3cret-Pa55' };

requireSipp('SIPp interop');

const runSipp = (scenario: string, service: string, serverPort: number, extra: string[] = []) =>
  runSippFile(join(SCENARIOS, scenario), service, serverPort, extra);

describe.skipIf(!SIPP)('SIPp interop', () => {
  let sip: EmbeddedSip;
  let port: number;
  const ends = new Map<string, CallEnd>();
  const verified: boolean[] = [];
  const ha1 = digestHa1(TRUNK.username, SIP_REALM, TRUNK.password);

  beforeAll(async () => {
    sip = new EmbeddedSip({ host: '127.0.0.1', port: 0, timers: { t1: 50, t2: 400, t4: 200 } });
    sip.onInvite(async (call: SipInboundCall) => {
      call.onEnd((e) => ends.set(call.requestUser, e));
      switch (call.requestUser) {
        case 'answer':
          await call.progress(SDP_ANSWER);
          await call.answer(SDP_ANSWER);
          return;
        case 'auth': {
          if (!call.credentials) return call.challenge();
          const ok = call.credentials.username === TRUNK.username && call.verifyDigest(ha1);
          verified.push(ok);
          if (!ok) return call.reject(403);
          await call.answer(SDP_ANSWER);
          return;
        }
        case 'flood':
          // What the inbound flow does for an INVITE without credentials.
          return call.challenge();
        case 'cancel':
          await call.progress(SDP_ANSWER);
          return;
        case 'reject488':
          return call.reject(488);
        case 'reject403':
          return call.reject(403, 'Forbidden');
        default:
          return call.reject(404);
      }
    });
    port = (await sip.start()).sipPort;
  });

  afterAll(async () => {
    await sip?.stop();
  });

  const expectPass = (run: SippRun) => {
    if (run.code !== 0) console.error(run.output.slice(-4000), run.errors.slice(-4000));
    expect(run.code).toBe(0);
  };

  it('(a) OPTIONS → 200', async () => {
    expectPass(await runSipp('options.xml', 'options', port));
  });

  it('(b) INVITE → 100, 183, 200; ACK; BYE → 200', async () => {
    expectPass(await runSipp('invite-progress-answer.xml', 'answer', port));
    await eventually(() => ends.has('answer'));
    expect(ends.get('answer')).toEqual({ by: 'caller', cause: 'normal' });
  });

  it("(c) 401 challenge, SIPp's digest answer verifies, 200", async () => {
    // SIPp's digest-uri defaults to `sip:<remote_ip>:<remote_port>`; real PBXs use the Request-URI,
    // which verifyDigest insists on (a response must not be reusable for another number), so we tell
    // SIPp to do what PBXs do.
    expectPass(await runSipp('invite-auth.xml', 'auth', port, ['-au', TRUNK.username, '-ap', TRUNK.password, '-auth_uri', `auth@127.0.0.1:${port}`]));
    expect(verified).toEqual([true]);
  });

  it('(d) CANCEL before the answer → 487', async () => {
    expectPass(await runSipp('invite-cancel.xml', 'cancel', port));
    await eventually(() => ends.has('cancel'));
    expect(ends.get('cancel')).toEqual({ by: 'caller', cause: 'canceled', sipCode: 487 });
  });

  it('(e) rejections 488 and 403 reach SIPp', async () => {
    expectPass(await runSipp('invite-reject-488.xml', 'reject488', port));
    expectPass(await runSipp('invite-reject-403.xml', 'reject403', port));
  });

  it('(f) a flood of never-acknowledged INVITEs: one 401 each, no 100, no retransmission; response bytes <= 2x request bytes', async () => {
    await eventually(() => sip.stats().serverTransactions === 0);
    const before = sip.stats();
    const calls = 300;
    const run = await runSipp('invite-flood.xml', 'flood', port, ['-m', String(calls), '-l', String(calls), '-r', '300', '-nr']);
    expectPass(run);
    // Wait until every transaction has ended (Timer H), so any retransmission would have been sent and counted.
    await eventually(() => sip.stats().serverTransactions === 0);
    const after = sip.stats();
    const bytesIn = after.bytesIn - before.bytesIn;
    const bytesOut = after.bytesOut - before.bytesOut;
    expect(after.messagesIn - before.messagesIn).toBe(calls);
    expect(after.messagesOut - before.messagesOut).toBe(calls);
    expect(bytesOut).toBeLessThanOrEqual(2 * bytesIn);
  });

  it('leaves no transactions or dialogs behind', async () => {
    await eventually(() => {
      const s = sip.stats();
      return s.serverTransactions === 0 && s.clientTransactions === 0 && s.dialogs === 0;
    });
    expect(sip.stats().malformed).toBe(0);
  });
});
