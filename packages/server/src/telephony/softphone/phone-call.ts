import type { CallEnd } from '../backend.js';
import { FRAME_SAMPLES } from '../media/g711.js';
import type { SdpOrigin } from '../media/reoffer.js';
import type { RtpSession } from '../media/rtp-session.js';
import { answerDirection, negotiate } from '../media/sdp-negotiate.js';
import { buildOffer } from '../media/sdp-offer.js';
import type { MediaDirection } from '../media/sdp-types.js';
import { pause } from '../test-caller/answered-call.js';

/** 200 ms of silence between prompts: a live phone always sends, and Prolope's RTP timeout would end a quiet call. */
const SILENCE = new Int16Array(FRAME_SAMPLES * 10);
/** How long we wait for the far end to answer our BYE before closing the media anyway. */
const HANGUP_WAIT_MS = 4000;

/** The SIP half of a call the phone holds: the dialog of an INVITE it sent (UacCall) or answered (UasCall). */
export interface PhoneDialog {
  readonly callId: string;
  hangup(): Promise<void>;
  onEnd(listener: (end: CallEnd) => void): void;
  /** Our re-INVITE with a new offer (hold, resume). */
  reinvite?(offerSdp: string): Promise<{ status: number; reason: string; sdp: string | undefined }>;
}

/** How a hold or resume re-INVITE was answered: its status and the direction the far end's SDP answer gave. */
export interface HoldOutcome {
  status: number;
  reason: string;
  /** `recvonly` for an accepted hold, `sendrecv` for a resume; undefined without a usable answer. */
  direction?: MediaDirection;
}

/** How a phone call ended: who hung up, as the phone sees it. */
export interface PhoneCallEnd {
  by: 'local' | 'remote' | 'system';
  /** The SIP stack's reason for a remote or system end (BYE, CANCEL, RTP timeout). */
  cause?: CallEnd['cause'];
}

/**
 * One established call of the softphone: RTP toward the far end (PCMA silence whenever nothing is
 * played, so the call never times out), audio and RFC 4733 digits into it, a recording of what it
 * hears, and the end in either direction. The media closes once, when the call ends.
 *
 * @example
 * ```ts
 * const call = await phone.call('202');
 * if (call.ok) {
 *   const recording = call.call.record();
 *   await call.call.play(readWavAs8kPcm(readFileSync('hello.wav')));
 *   await call.call.sendDigits('12#');
 *   await call.call.hangup();
 *   writeFileSync('heard.wav', writeWav8k(recording.stop()));
 * }
 * ```
 */
export class PhoneCall {
  /** Settles once, with how the call ended. */
  readonly ended: Promise<PhoneCallEnd>;
  #queue: Array<{ samples: Int16Array; done: () => void }> = [];
  #over = new AbortController();
  #finish!: (end: PhoneCallEnd) => void;
  #talking: Promise<void>;
  #closing: Promise<void> | undefined;

  constructor(
    /** `in` for a call the phone answered, `out` for one it placed. */
    readonly direction: 'in' | 'out',
    /** The other party as SIP shows it: the caller's user part, or the number we dialled. */
    readonly peer: string,
    private readonly dialog: PhoneDialog,
    private readonly media: RtpSession,
    /** Our SDP's o= line, shared with the answers to the far end's re-offers (media/reoffer.ts). */
    private readonly origin: SdpOrigin,
  ) {
    this.ended = new Promise((resolve) => {
      this.#finish = resolve;
    });
    dialog.onEnd((end) => void this.#close({ by: end.by === 'system' ? 'system' : 'remote', cause: end.cause }));
    this.#talking = this.#talk().catch(() => undefined);
  }

  /** The SIP Call-ID (what the server's CDR shows as `sip_call_id`). */
  get callId(): string {
    return this.dialog.callId;
  }

  /** Plays 8 kHz samples into the call after what is already queued; resolves when they have been sent (or the call ended). */
  play(samples: Int16Array): Promise<void> {
    if (this.#over.signal.aborted) return Promise.resolve();
    return new Promise((done) => this.#queue.push({ samples, done }));
  }

  /**
   * Sends DTMF digits as RFC 4733 events, `gapMs` from the start of one to the start of the next.
   *
   * @throws Error when the far end did not take telephone-event (no digits can be sent).
   */
  async sendDigits(digits: readonly string[] | string, gapMs = 300): Promise<void> {
    for (const digit of digits) {
      if (this.#over.signal.aborted) return;
      await this.media.sendDtmf(digit, 100);
      await pause(gapMs - 100, this.#over.signal);
    }
  }

  /** Calls `listener` with each digit the far end sends (RFC 4733). */
  onDigit(listener: (digit: string) => void): void {
    this.media.onDtmf(listener);
  }

  /** Starts keeping what the far end sends; `stop()` gives the 8 kHz samples (silence where nothing came). */
  record(): { stop(): Int16Array } {
    return this.media.startRecording();
  }

  /** RTP packets received from the far end so far. */
  packetsReceived(): number {
    return this.media.stats().packetsReceived;
  }

  /** Puts the call on hold: a re-INVITE offering `a=sendonly` (we keep sending, they stop); the answer should say `recvonly`. */
  hold(): Promise<HoldOutcome> {
    return this.#reoffer('sendonly');
  }

  /** Takes the call off hold: a re-INVITE offering `a=sendrecv`. */
  resume(): Promise<HoldOutcome> {
    return this.#reoffer('sendrecv');
  }

  async #reoffer(direction: MediaDirection): Promise<HoldOutcome> {
    if (!this.dialog.reinvite) return { status: 501, reason: 'this SIP stack cannot send a re-INVITE' };
    this.origin.version++;
    const offer = buildOffer(this.media.local, this.origin.sessionId, this.origin.version).replace('a=sendrecv', `a=${direction}`);
    const result = await this.dialog.reinvite(offer);
    const answer = result.sdp !== undefined ? negotiate(result.sdp) : undefined;
    if (answer?.ok) this.media.setRemote(answer.remote, answer.dtmfPayloadType);
    // negotiate() gives the direction we would answer with, the mirror of the SDP's own: mirror it back.
    return { status: result.status, reason: result.reason, ...(answer?.ok ? { direction: answerDirection(answer.direction) } : {}) };
  }

  /** Sends BYE (waiting for its answer, but not for ever) and closes the media; nothing when already ended. */
  async hangup(): Promise<void> {
    if (this.#over.signal.aborted) return this.#closing;
    const bye = Promise.race([this.dialog.hangup().catch(() => undefined), pause(HANGUP_WAIT_MS)]);
    await this.#close({ by: 'local' }, bye);
  }

  async #talk(): Promise<void> {
    while (!this.#over.signal.aborted) {
      const next = this.#queue.shift();
      await this.media.play(next?.samples ?? SILENCE, { signal: this.#over.signal });
      next?.done();
    }
  }

  #close(end: PhoneCallEnd, before: Promise<unknown> = Promise.resolve()): Promise<void> {
    this.#closing ??= (async () => {
      this.#over.abort();
      for (const item of this.#queue.splice(0)) item.done();
      await before;
      await this.#talking;
      await this.media.close();
      this.#finish(end);
    })();
    return this.#closing;
  }
}
