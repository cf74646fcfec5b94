import { FRAME_SAMPLES } from '../media/g711.js';
import type { RtpPacket } from '../media/rtp-packet.js';

const PCMA_PT = 8;

/** What arrived over RTP during a test call, and whether it was the audio the SIP profile promises. */
export interface RtpReceived {
  packets: number;
  /** PCMA (payload type 8) packets. */
  pcma: number;
  /** telephone-event packets (the negotiated DTMF payload type). */
  dtmf: number;
  /** Packets of any other payload type, counted by type. */
  otherPayloadTypes: Record<string, number>;
  /** PCMA packets whose payload was not 160 bytes (20 ms at 8 kHz). */
  wrongSize: number;
  /** Steps between consecutive PCMA packets of a talkspurt that were checked, and those that were not +160. */
  timestampSteps: number;
  badTimestampSteps: number;
  /** Packets that arrived before the 200 OK (early media). */
  early: number;
  /**
   * True when audio arrived and all of it was PCMA in 160-byte packets whose timestamps step by 160
   * within each talkspurt (terms 5.2: G.711 A-law, 20 ms).
   */
  pcma20ms: boolean;
}

/**
 * Checks received RTP packet by packet. Timestamps are compared only between packets with consecutive
 * sequence numbers and no marker bit: a new talkspurt (marker set) may jump forward by the silence
 * before it (RFC 3550 §5.1), and a lost packet leaves no step to judge.
 *
 * @example
 * ```ts
 * const check = new RtpCheck(101);
 * media.onPacket((p) => check.add(p));
 * check.report().pcma20ms; // true for a well-behaved far end
 * ```
 */
export class RtpCheck {
  readonly #dtmfPayloadType: number | undefined;
  readonly #last = new Map<number, { seq: number; ts: number }>();
  readonly #r: Omit<RtpReceived, 'pcma20ms'> = {
    packets: 0,
    pcma: 0,
    dtmf: 0,
    otherPayloadTypes: {},
    wrongSize: 0,
    timestampSteps: 0,
    badTimestampSteps: 0,
    early: 0,
  };

  constructor(dtmfPayloadType?: number) {
    this.#dtmfPayloadType = dtmfPayloadType;
  }

  add(packet: RtpPacket, early = false): void {
    const r = this.#r;
    r.packets++;
    if (early) r.early++;
    if (packet.payloadType === this.#dtmfPayloadType) {
      r.dtmf++;
      return;
    }
    if (packet.payloadType !== PCMA_PT) {
      const key = String(packet.payloadType);
      r.otherPayloadTypes[key] = (r.otherPayloadTypes[key] ?? 0) + 1;
      return;
    }
    r.pcma++;
    if (packet.payload.length !== FRAME_SAMPLES) r.wrongSize++;
    const last = this.#last.get(packet.ssrc);
    if (last && !packet.marker && packet.sequenceNumber === ((last.seq + 1) & 0xffff)) {
      r.timestampSteps++;
      if ((packet.timestamp - last.ts) >>> 0 !== FRAME_SAMPLES) r.badTimestampSteps++;
    }
    this.#last.set(packet.ssrc, { seq: packet.sequenceNumber, ts: packet.timestamp });
  }

  report(): RtpReceived {
    const r = this.#r;
    const others = Object.keys(r.otherPayloadTypes).length;
    return { ...r, otherPayloadTypes: { ...r.otherPayloadTypes }, pcma20ms: r.pcma > 0 && others === 0 && r.wrongSize === 0 && r.badTimestampSteps === 0 };
  }
}

/**
 * The audio check in words, one problem a line; empty when the audio was clean PCMA at 20 ms.
 *
 * @example
 * ```ts
 * audioProblems(check.report()); // ['3 of 120 timestamp steps were not +160']
 * ```
 */
export function audioProblems(r: RtpReceived): string[] {
  if (r.pcma === 0) return ['no audio (PCMA) was received'];
  const problems: string[] = [];
  const others = Object.entries(r.otherPayloadTypes).map(([pt, n]) => `${n} of payload type ${pt}`);
  if (others.length > 0) problems.push(`audio other than PCMA arrived: ${others.join(', ')}`);
  if (r.wrongSize > 0) problems.push(`${r.wrongSize} PCMA packets were not 160 bytes (20 ms)`);
  if (r.badTimestampSteps > 0) problems.push(`${r.badTimestampSteps} of ${r.timestampSteps} timestamp steps were not +160`);
  return problems;
}
