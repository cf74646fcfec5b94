import type { RtpReceived } from './rtp-check.js';
import type { EndEntry, TimelineEntry } from './timeline.js';

/** What to call and how; see {@link placeTestCall}. */
export interface TestCallOptions {
  /** The number to call (the Request-URI user part), e.g. `+35929000002`. */
  to: string;
  /** The caller ID (From user part); a Prolope trunk must list it in `allowed_caller_ids`. */
  from: string;
  /** The SIP endpoint's host: an IPv4 address or a name (resolved once, IPv4). */
  host: string;
  /** Its UDP port (default 5060). */
  port?: number;
  /** Digest credentials (the trunk's); without them a 401 ends the call. */
  username?: string;
  password?: string;
  /** DTMF digits to send after the answer: `'12'`, `'1,2'` or `['1', '2']`. */
  press?: string | readonly string[];
  /** Wait after the 200 OK before the first digit (default 1000 ms), so the far end's prompt can start. */
  firstDigitDelayMs?: number;
  /** From the start of one digit to the start of the next (default 700 ms). */
  digitGapMs?: number;
  /** How long each digit is held (default 100 ms). */
  digitDurationMs?: number;
  /** The whole call, ringing included, lasts at most this long; then we CANCEL or BYE (default 30000 ms). */
  maxDurationMs?: number;
  /** Give up when not a single SIP message came back within this time (default 5000 ms, or maxDurationMs when shorter). */
  noResponseTimeoutMs?: number;
  /**
   * Address to bind SIP and RTP to; the far end sees it as the source. Default: 127.0.0.1 for a
   * loopback target, else 0.0.0.0 (then the address the route to the target uses is advertised).
   */
  localAddress?: string;
  /** Even RTP port range (default 40000-40999, away from a local server's 20000-29999). */
  rtpPortRange?: readonly [number, number];
  /** Called for each timeline entry as it happens (the CLI prints them live). */
  onEntry?: (entry: TimelineEntry) => void;
  /** Aborting hangs up (CANCEL or BYE) and ends the test call early. */
  signal?: AbortSignal;
}

/** What a test call did, from the caller's side. Refusals are results too, never exceptions. */
export interface TestCallResult {
  /** The SIP Call-ID we used; the CDR's `sip_call_id`. */
  callId: string;
  /** `host:port` the INVITE went to. */
  target: string;
  /** Our source address as the far end sees it (what `allowed_ips` must hold). */
  localAddress: string;
  /** True when the INVITE got a 2xx. */
  answered: boolean;
  /** The INVITE's final status (200 when answered); 408 when nothing or no final answer came back. */
  status: number;
  reason: string;
  /** Not a single SIP message came back (wrong host or port, firewall, server not running). */
  noResponse: boolean;
  /** Problems with an answered call's media: an unusable SDP answer, no audio, audio not PCMA at 20 ms. */
  mediaProblems: string[];
  /** From the 200 OK to the end, in ms (0 when not answered). */
  durationMs: number;
  /** Digits sent, in order. */
  dtmfSent: string[];
  rtp: {
    received: RtpReceived;
    /** RTP packets we sent: PCMA silence plus telephone-events. */
    sent: number;
  };
  end: EndEntry;
  timeline: TimelineEntry[];
}
