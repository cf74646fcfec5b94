import { randomBytes } from 'node:crypto';
import { decodeRtp, type RtpPacket } from '../media/rtp-packet.js';
import { buildOffer, OFFER_DTMF_PAYLOAD_TYPE } from '../media/sdp-offer.js';
import type { RtpAddress } from '../media/sdp-types.js';
import { RtpPorts } from '../media/udp-port.js';
import { EmbeddedSip } from '../sip/embedded-sip.js';
import { type AnsweredOutcome, runAnsweredCall } from './answered-call.js';
import { firstOutcome } from './first-outcome.js';
import { isLoopback, parseDigits, resolveIPv4, routeAddress } from './network.js';
import { audioProblems, RtpCheck } from './rtp-check.js';
import { SipTap } from './sip-tap.js';
import { type EndEntry, sipEntry, type TimelineEntry } from './timeline.js';
import type { TestCallOptions, TestCallResult } from './types.js';

/** Away from the server's default 20000-29999, so a test caller next to a local server rarely competes for ports. */
const TEST_RTP_PORTS: readonly [number, number] = [40000, 40999];
/** How long to wait for a message we know our UAC has sent to cross the tap (one loop turn on loopback). */
const WIRE_WAIT_MS = 200;

/**
 * Places one real SIP call, the way a customer's PBX would, and reports what happened: a throwaway
 * SIP UAC and RTP port on `localAddress` dial `sip:<to>@<host>:<port>` from `<from>` (digest answered
 * once), ACK the answer, send PCMA silence with the `press` digits as RFC 4733 events, and wait for the
 * far end's BYE or `maxDurationMs`. Refusals (401, 403, 404, 488, ...) and silence come back as results.
 *
 * @throws RangeError for a `press` that is not DTMF keys; TypeError for half a credential pair.
 * @example
 * ```ts
 * const result = await placeTestCall({ host: '127.0.0.1', to: '+35929000002', from: '+35929000001', username: 'pbx', password: 's3cret', press: '1,2' });
 * for (const entry of result.timeline) console.log(formatEntry(entry));
 * result.answered; // true
 * ```
 */
export async function placeTestCall(opts: TestCallOptions): Promise<TestCallResult> {
  const digits = parseDigits(opts.press);
  if ((opts.username === undefined) !== (opts.password === undefined)) throw new TypeError('give both username and password, or neither');
  const started = performance.now();
  const at = () => Math.round(performance.now() - started);
  const timeline: TimelineEntry[] = [];
  const push = (entry: TimelineEntry) => {
    timeline.push(entry);
    opts.onEntry?.(entry);
  };
  const port = opts.port ?? 5060;
  const target = { address: await resolveIPv4(opts.host), port };
  const bindAddress = opts.localAddress ?? (isLoopback(target.address) ? '127.0.0.1' : '0.0.0.0');
  const advertised = bindAddress === '0.0.0.0' ? await routeAddress(target) : bindAddress;
  const maxDurationMs = opts.maxDurationMs ?? 30_000;
  const noResponseMs = opts.noResponseTimeoutMs ?? Math.min(5000, maxDurationMs);

  const tap = await SipTap.open({ bindAddress, remote: target });
  const wire = { heard: false, byeAnswer: undefined as number | undefined, answered: { seq: -1, status: 200, reason: 'OK' } };
  tap.onMessage((m) => {
    if (m.direction === 'in') wire.heard = true;
    if (m.direction === 'in' && m.message?.kind === 'response' && m.message.cseq.method === 'INVITE' && m.message.status < 300) {
      wire.answered = { seq: m.message.cseq.seq, status: m.message.status, reason: m.message.reason };
    }
    if (m.direction === 'in' && m.message?.kind === 'response' && m.message.cseq.method === 'BYE') wire.byeAnswer = m.message.status;
    push(sipEntry(at(), m.direction, m.message));
  });
  // The UAC only talks to the tap, on loopback; it advertises the tap's wire port (see SipTap).
  const sip = new EmbeddedSip({ host: '127.0.0.1', port: 0, publicAddress: advertised, publicPort: tap.outer.port });
  // One call's port: a set of its own (a port held elsewhere only costs a failed bind).
  const ports = new RtpPorts();
  let rtp: Awaited<ReturnType<RtpPorts['bind']>> | undefined;
  try {
    await sip.start();
    rtp = await ports.bind(bindAddress, opts.rtpPortRange ?? TEST_RTP_PORTS);
    const check = new RtpCheck(OFFER_DTMF_PAYLOAD_TYPE);
    let heardRtp = false;
    const received = (packet: RtpPacket, from: RtpAddress, early = false) => {
      if (!heardRtp) push({ kind: 'rtp', at: at(), direction: 'in', payloadType: packet.payloadType, peer: `${from.address}:${from.port}` });
      heardRtp = true;
      check.add(packet, early);
    };
    // Early media (after a 183) reaches the port before there is a session to read it.
    const early = (msg: Buffer, from: { address: string; port: number }) => {
      const packet = decodeRtp(msg);
      if (packet) received(packet, from, true);
    };
    rtp.socket.on('message', early);

    const callId = `${randomBytes(12).toString('hex')}@prolope-test-caller`;
    const credentials = opts.username !== undefined && opts.password !== undefined ? { username: opts.username, password: opts.password } : undefined;
    const call = sip.dial({
      callId,
      requestUri: `sip:${opts.to}@${opts.host}:${port}`,
      destination: tap.inner,
      fromUser: opts.from,
      sdp: buildOffer({ address: advertised, port: rtp.port }),
      ringTimeoutMs: maxDurationMs,
      credentials,
    });
    const first = await firstOutcome(call, () => wire.heard, noResponseMs, opts.signal);

    const base = { callId, target: `${target.address}:${port}`, localAddress: advertised };
    const unanswered = (end: EndEntry, status: number, reason: string, noResponse = false): TestCallResult => ({
      ...base,
      answered: false,
      status,
      reason,
      noResponse,
      mediaProblems: [],
      durationMs: 0,
      dtmfSent: [],
      rtp: { received: check.report(), sent: 0 },
      end,
      timeline,
    });
    if (first === 'silent') {
      const text = `no SIP answer from ${base.target} within ${noResponseMs} ms`;
      const end: EndEntry = { kind: 'end', at: at(), by: 'local', text };
      push(end);
      return unanswered(end, 408, 'No response', true);
    }
    if (!first.ok) {
      const by = first.local ? 'local' : 'remote';
      const text = by === 'remote' ? `refused: ${first.status} ${first.reason}` : `gave up: ${first.status} ${first.reason}`;
      const end: EndEntry = { kind: 'end', at: at(), by, text, sipCode: first.status };
      push(end);
      return unanswered(end, first.status, first.reason, !wire.heard);
    }

    const answered: AnsweredOutcome = await runAnsweredCall({
      call,
      sdp: first.sdp,
      rtp,
      ports,
      bindAddress,
      advertised,
      digits,
      firstDigitDelayMs: opts.firstDigitDelayMs ?? 1000,
      digitGapMs: opts.digitGapMs ?? 700,
      digitDurationMs: opts.digitDurationMs ?? 100,
      maxDurationMs,
      signal: opts.signal,
      at,
      push,
      received,
      stopEarlyListener: () => rtp?.socket.off('message', early),
      // The ACK of the 2xx, not the one of a 401 before it: same CSeq number as the answered INVITE.
      ackOnWire: () =>
        tap.waitFor(
          (m) => m.direction === 'out' && m.message?.kind === 'request' && m.message.method === 'ACK' && m.message.cseq.seq === wire.answered.seq,
          WIRE_WAIT_MS,
        ),
      byeAnswer: () => wire.byeAnswer,
    });
    if (answered.end.by === 'remote') {
      // Our 200 OK to their BYE is on its way through the tap: show it before the end, and let it leave before the tap closes.
      await tap.waitFor((m) => m.direction === 'out' && m.message?.kind === 'response' && m.message.cseq.method === 'BYE', WIRE_WAIT_MS);
      answered.end.at = at();
    }
    push(answered.end);
    const rtpReceived = check.report();
    return {
      ...base,
      answered: true,
      status: wire.answered.status,
      reason: wire.answered.reason,
      noResponse: false,
      mediaProblems: [...answered.mediaProblems, ...audioProblems(rtpReceived)],
      durationMs: answered.durationMs,
      dtmfSent: answered.dtmfSent,
      rtp: { received: rtpReceived, sent: answered.rtpSent },
      end: answered.end,
      timeline,
    };
  } finally {
    await sip.stop();
    await tap.close();
    if (rtp) closeRtpSocket(rtp, bindAddress, ports);
  }
}

function closeRtpSocket(rtp: { socket: { close(cb?: () => void): void }; port: number }, bindAddress: string, ports: RtpPorts): void {
  try {
    rtp.socket.close();
  } catch {
    // The RTP session closed it already.
  }
  ports.release(bindAddress, rtp.port);
}
