import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { requireSipp, SIPP, type SippRun, startSippUas } from '../../test/sipp.js';
import type { CallEnd } from '../backend.js';
import { EmbeddedSip } from './embedded-sip.js';
import { getHeader } from './sip-message.js';
import { eventually, isRequest, SipTestClient } from './sip-test-client.js';

/**
 * The SIP client's failure paths (issue 13, item 14), on EmbeddedSip.dial with small timers: Timer B
 * when nothing answers, the ACK sent again for a repeated final, in-dialog requests from the far end
 * (re-INVITE, OPTIONS, INFO) and a CANCEL nobody answers. SIPp plays the far end where one is needed;
 * its exit code 0 means every message it expected from us arrived.
 */
requireSipp('SIP client failure paths');

const SCENARIOS = fileURLToPath(new URL('./test-scenarios/', import.meta.url));
// 64*T1 = 1.28 s: Timers B, D, F and the CANCEL give-up end quickly.
const TIMERS = { t1: 20, t2: 160, t4: 100 };
const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n';

let sip: EmbeddedSip | undefined;
afterEach(async () => {
  await sip?.stop();
  sip = undefined;
});

let sipPort = 0;
async function endpoint(): Promise<EmbeddedSip> {
  sip = new EmbeddedSip({ host: '127.0.0.1', port: 0, timers: TIMERS });
  sipPort = (await sip.start()).sipPort;
  return sip;
}

const dialOpts = (port: number, over: { ringTimeoutMs?: number; callId?: string } = {}) => ({
  callId: over.callId ?? `uac-${Math.random().toString(36).slice(2)}`,
  requestUri: `sip:+35929876543@127.0.0.1:${port}`,
  destination: { address: '127.0.0.1', port },
  fromUser: '+35929000001',
  sdp: OFFER,
  ringTimeoutMs: over.ringTimeoutMs ?? 0,
});

async function drained(s: EmbeddedSip): Promise<void> {
  await eventually(() => {
    const st = s.stats();
    return st.clientTransactions === 0 && st.serverTransactions === 0 && st.dialogs === 0;
  });
}

function passed(run: SippRun): void {
  if (run.code !== 0) console.error(run.output.slice(-3000), run.errors.slice(-3000));
  expect(run.code).toBe(0);
}

describe('SIP client failure paths', () => {
  it('Timer B: an INVITE nobody answers is retransmitted on one branch, then fails 408 no_response', async () => {
    const s = await endpoint();
    const silent = await SipTestClient.open(0); // reads, never answers
    try {
      const call = s.dial(dialOpts(silent.port));
      expect(await call.outcome).toEqual({ ok: false, status: 408, reason: 'no response to the INVITE', local: true, cause: 'no_response' });
      const invites = silent.received.filter(isRequest('INVITE'));
      expect(invites.length).toBeGreaterThanOrEqual(1);
      expect(new Set(invites.map((m) => m.vias[0]?.params.branch)).size).toBe(1);
      await drained(s);
    } finally {
      await silent.close();
    }
  });

  it('a repeated non-2xx final is ACKed again (the first ACK was lost)', async () => {
    // A scripted peer rather than SIPp: SIPp takes our second ACK, identical to the first, for a
    // retransmission of it and answers with its 486 again, so it cannot script "486, ACK, 486, ACK".
    const s = await endpoint();
    const peer = await SipTestClient.open(sipPort);
    try {
      const call = s.dial(dialOpts(peer.port));
      const [invite] = await peer.waitFor(isRequest('INVITE'));
      const busy = [
        'SIP/2.0 486 Busy Here',
        `Via: ${getHeader(invite!, 'via')}`,
        `From: ${getHeader(invite!, 'from')}`,
        `To: ${getHeader(invite!, 'to')};tag=callee1`,
        `Call-ID: ${invite!.callId}`,
        'CSeq: 1 INVITE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      peer.send(busy);
      await peer.waitFor(isRequest('ACK'));
      expect(await call.outcome).toMatchObject({ ok: false, status: 486, local: false });
      peer.send(busy);
      const acks = await peer.waitFor(isRequest('ACK'), 2);
      // The same ACK: the INVITE's branch (§17.1.1.3), our From tag, their To tag, CSeq 1 ACK.
      for (const a of acks) {
        expect(a.vias[0]?.params.branch).toBe(invite!.vias[0]?.params.branch);
        expect(a.to.params.tag).toBe('callee1');
        expect(getHeader(a, 'cseq')).toBe('1 ACK');
      }
      const raw = peer.raw.filter((m) => m.startsWith('ACK '));
      expect(raw[1]).toBe(raw[0]);
      await drained(s);
    } finally {
      await peer.close();
    }
  });

  it.skipIf(!SIPP)('far-end requests in the dialog: a re-INVITE is refused with 488 and ACKed, OPTIONS 200, INFO 501, BYE ends it', async () => {
    const s = await endpoint();
    const uas = await startSippUas(join(SCENARIOS, 'uas-reinvite.xml'));
    const call = s.dial(dialOpts(uas.port));
    const ends: CallEnd[] = [];
    call.onEnd((e) => ends.push(e));
    expect(await call.outcome).toMatchObject({ ok: true });
    passed(await uas.done);
    await eventually(() => ends.length === 1);
    expect(ends).toEqual([{ by: 'callee', cause: 'normal' }]);
    expect(call.state).toBe('terminated');
    await drained(s);
  });

  it.skipIf(!SIPP)('the ring timeout sends CANCEL; with no answer to it the call gives up (408 ring_timeout) and leaves no transaction behind', async () => {
    const s = await endpoint();
    const uas = await startSippUas(join(SCENARIOS, 'uas-ignore-cancel.xml'));
    const call = s.dial(dialOpts(uas.port, { ringTimeoutMs: 50 }));
    expect(await call.outcome).toEqual({ ok: false, status: 408, reason: 'no answer to CANCEL', local: true, cause: 'ring_timeout' });
    passed(await uas.done);
    await drained(s);
  });

  it.skipIf(!SIPP)('a hangup before the answer sends CANCEL; with no answer to it the call ends 487 canceled', async () => {
    const s = await endpoint();
    const uas = await startSippUas(join(SCENARIOS, 'uas-ignore-cancel.xml'));
    const call = s.dial(dialOpts(uas.port));
    const ringing = new Promise<void>((resolve) => call.onProgress(() => resolve()));
    await ringing;
    await call.hangup();
    expect(await call.outcome).toEqual({ ok: false, status: 487, reason: 'no answer to CANCEL', local: true, cause: 'canceled' });
    passed(await uas.done);
    await drained(s);
  });
});
