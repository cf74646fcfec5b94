import type { Socket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { FRAME_SAMPLES } from '../media/g711.js';
import type { RtpPacket } from '../media/rtp-packet.js';
import { RtpSession } from '../media/rtp-session.js';
import { readAnswer } from '../media/sdp-offer.js';
import type { RtpAddress } from '../media/sdp-types.js';
import type { RtpPorts } from '../media/udp-port.js';
import type { UacCall } from '../sip/uac-call.js';
import type { EndEntry, TimelineEntry } from './timeline.js';

/** 200 ms of A-law silence per play(): short, so a digit never waits long behind it in the send queue. */
const SILENCE = new Int16Array(FRAME_SAMPLES * 10);
/** How long we wait for the far end to answer our BYE or CANCEL before closing anyway. */
const HANGUP_WAIT_MS = 4000;

/** What the answered phase needs from placeTestCall. */
export interface AnsweredCall {
  call: UacCall;
  /** The 200 OK's SDP. */
  sdp: string | undefined;
  rtp: { socket: Socket; port: number };
  /** The set the RTP port came from; the session gives it back there on close. */
  ports: RtpPorts;
  bindAddress: string;
  advertised: string;
  digits: readonly string[];
  firstDigitDelayMs: number;
  digitGapMs: number;
  digitDurationMs: number;
  /** The whole call's limit, counted from the start (ringing included), like `at()`. */
  maxDurationMs: number;
  signal: AbortSignal | undefined;
  at(): number;
  push(entry: TimelineEntry): void;
  /** Feeds received RTP to the check (and the timeline's first-packet entry). */
  received(packet: RtpPacket, from: RtpAddress): void;
  /** Stops the early-media listener: the RTP session reads the socket from now on. */
  stopEarlyListener(): void;
  /** Resolves once our ACK has crossed the tap, so the timeline shows it before our RTP. */
  ackOnWire(): Promise<unknown>;
  /** The far end's answer to our BYE, once seen on the wire. */
  byeAnswer(): number | undefined;
}

/** How the answered phase ended. */
export interface AnsweredOutcome {
  end: EndEntry;
  durationMs: number;
  dtmfSent: string[];
  mediaProblems: string[];
  rtpSent: number;
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export const pause = (ms: number, signal?: AbortSignal): Promise<void> => sleep(Math.max(0, ms), undefined, { signal }).catch(() => undefined);

/** BYE (or CANCEL) and wait for its answer, but not forever: a silent far end must not hang the tool. */
export const hangUp = (call: UacCall): Promise<void> => Promise.race([call.hangup().catch(() => undefined), pause(HANGUP_WAIT_MS)]);

/**
 * The call after its 200 OK: check the SDP answer, send PCMA silence (a live phone always sends, and
 * Prolope's RTP timeout would otherwise end a long call) with the digits in between, and wait for the
 * far end's BYE, the deadline or an abort.
 */
export async function runAnsweredCall(c: AnsweredCall): Promise<AnsweredOutcome> {
  const answeredAt = c.at();
  const answer = readAnswer(c.sdp ?? '');
  if (!answer.ok) {
    await hangUp(c.call);
    const end: EndEntry = { kind: 'end', at: c.at(), by: 'local', text: `unusable SDP answer (${answer.reason}); hung up`, ...sipCode(c.byeAnswer()) };
    return { end, durationMs: c.at() - answeredAt, dtmfSent: [], mediaProblems: [`SDP answer: ${answer.reason}`], rtpSent: 0 };
  }
  const dtmfPayloadType = answer.dtmfPayloadType;
  const media = new RtpSession(c.rtp.socket, c.rtp.port, {
    bindAddress: c.bindAddress,
    ports: c.ports,
    advertisedAddress: c.advertised,
    remote: answer.remote,
    ...(dtmfPayloadType !== undefined ? { dtmfPayloadType } : {}),
    rtpTimeoutMs: 0,
  });
  c.stopEarlyListener();
  media.onPacket((packet, from) => c.received(packet, from));
  const problems: string[] = [];
  const over = new AbortController();

  const talking = (async () => {
    await c.ackOnWire();
    c.push({ kind: 'rtp', at: c.at(), direction: 'out', payloadType: 8, peer: `${answer.remote.address}:${answer.remote.port}` });
    while (!over.signal.aborted) await media.play(SILENCE, { signal: over.signal });
  })().catch((err: Error) => void problems.push(`RTP: ${err.message}`));

  const dtmfSent: string[] = [];
  const pressing = (async () => {
    if (c.digits.length === 0) return;
    if (dtmfPayloadType === undefined) {
      problems.push('the SDP answer has no telephone-event: no digits were sent');
      return;
    }
    await pause(c.firstDigitDelayMs, over.signal);
    for (const digit of c.digits) {
      if (over.signal.aborted) return;
      const started = c.at();
      await media.sendDtmf(digit, c.digitDurationMs);
      if (over.signal.aborted) return;
      dtmfSent.push(digit);
      c.push({ kind: 'dtmf', at: c.at(), direction: 'out', digit });
      await pause(c.digitGapMs - (c.at() - started), over.signal);
    }
    // Caught at once: a rejection left for later would be an unhandled one, which ends the process.
  })().catch((err: Error) => void problems.push(`DTMF: ${err.message}`));

  const byeFromFarEnd = new Promise<'bye'>((resolve) => c.call.onEnd(() => resolve('bye')));
  const aborted = new Promise<'aborted'>((resolve) => {
    if (c.signal?.aborted) resolve('aborted');
    c.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  const why = await Promise.race([byeFromFarEnd, aborted, pause(c.maxDurationMs - c.at(), over.signal).then(() => 'deadline' as const)]);
  over.abort();
  let end: EndEntry;
  if (why === 'bye') end = { kind: 'end', at: c.at(), by: 'remote', text: 'the far end hung up (BYE)', sipCode: 200 };
  else {
    await hangUp(c.call);
    const text = why === 'deadline' ? `hung up after the maximum of ${c.maxDurationMs / 1000} s` : 'hung up (interrupted)';
    end = { kind: 'end', at: c.at(), by: 'local', text, ...sipCode(c.byeAnswer()) };
  }
  const rtpSent = media.stats().packetsSent;
  await media.close();
  await Promise.all([talking, pressing]);
  return { end, durationMs: end.at - answeredAt, dtmfSent, mediaProblems: problems, rtpSent };
}

const sipCode = (code: number | undefined): { sipCode?: number } => (code === undefined ? {} : { sipCode: code });
