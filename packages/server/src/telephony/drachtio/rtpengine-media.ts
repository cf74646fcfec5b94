import { randomBytes } from 'node:crypto';
import type { HoldSignal, MediaSession, RecordingHandle, RecordingOptions } from '../backend.js';
import { holdState } from '../media/hold-state.js';
import { type RtpengineLeg, openRtpengineLeg } from './rtpengine-leg.js';
import { buildAnswer, endpointOf, type RelayedMediaSession, type RtpLogger } from '../media/index.js';
import type { RtpengineNg } from './rtpengine-ng.js';
import { PcapRecorder } from './rtpengine-recording.js';
import { mirrorDirection, offeredDirection } from './sdp-direction.js';
import { sdpAudioAddress } from './sdp-media-address.js';
import { RtpengineWatch } from './rtpengine-watch.js';

/**
 * A call's media through rtpengine, for an IVR with no B-leg.
 *
 * rtpengine is the edge relay: it anchors the caller's RTP (public address, NAT learning, symmetric
 * RTP, and later SRTP/ICE) and needs two parties to bridge. The second party is our own media plane:
 * a session of the embedded backend's kind (in a media worker, see rtpengine-leg.ts), which answers
 * rtpengine's rewritten offer. So one media implementation serves both backends:
 * - prompts are played by our session, paced to 20 ms, and rtpengine forwards them to the caller;
 * - what the caller sends reaches our session through rtpengine: DTMF (RFC 4733), recording, the RTP
 *   timeout, bridges and conferences work exactly as with the embedded backend;
 * - with a recording dir, rtpengine records (see rtpengine-recording.ts); without one, our session does.
 *
 *   caller ⇄ rtpengine(caller-facing port = `local`) ⇄ rtpengine(our-facing port) ⇄ our session
 */
export interface RtpengineMediaOptions {
  ng: RtpengineNg;
  /** The SIP Call-ID, used as rtpengine's call-id. */
  callId: string;
  /** The caller's From tag: rtpengine's name for the caller's side of the call. */
  fromTag: string;
  /** The caller's SDP offer, as it came in the INVITE. */
  offerSdp: string;
  dtmfPayloadType?: number;
  /** Our own RTP leg toward rtpengine. */
  leg: RtpengineLeg;
  /** Extra ng flags for the offer, e.g. `direction: ['external', 'internal']` with two rtpengine interfaces. */
  offerFlags?: Record<string, unknown>;
  /** rtpengine's `--recording-dir` (pcap method): recordings are made by rtpengine; unset, by our leg. */
  recordingDir?: string;
  /** How often to ask rtpengine whether it still has the call (rtpengine-watch.ts); 0 or unset: never. */
  checkIntervalMs?: number;
  logger?: RtpLogger;
}

export async function openRtpengineMedia(opts: RtpengineMediaOptions): Promise<RtpengineMedia> {
  const { ng, callId, fromTag } = opts;
  // Our leg's tag: rtpengine only needs it stable for this call, it never appears in SIP.
  const ourTag = `prolope-${randomBytes(6).toString('hex')}`;
  const base = { 'call-id': callId, 'from-tag': fromTag };

  // 1. The caller's offer: rtpengine allocates both sides and returns the SDP our leg should answer.
  const offer = await ng.command('offer', {
    ...base,
    sdp: opts.offerSdp,
    replace: ['origin', 'session-connection'],
    ICE: 'remove',
    ...opts.offerFlags,
  });
  const towardUs = offer.sdp ? sdpAudioAddress(offer.sdp) : undefined;
  if (!towardUs) throw new Error('rtpengine offer returned no audio address');

  let rtp: MediaSession | undefined;
  try {
    // 2. Our leg: an RTP socket whose far end is rtpengine's port for us.
    rtp = await openRtpengineLeg(opts.leg, towardUs, { ...(opts.dtmfPayloadType !== undefined ? { dtmfPayloadType: opts.dtmfPayloadType } : {}), ...(opts.logger ? { logger: opts.logger } : {}) });
    // 3. Our leg answers (PCMA 20 ms, telephone-event if the caller offered it); rtpengine then
    // returns the SDP for the caller, whose address is what our 183/200 must advertise.
    const ourSdp = buildAnswer(rtp.local, { dtmfPayloadType: opts.dtmfPayloadType, direction: mirrorDirection(offeredDirection(opts.offerSdp)) });
    const answer = await ng.command('answer', { ...base, 'to-tag': ourTag, sdp: ourSdp, ICE: 'remove' });
    const towardCaller = answer.sdp ? sdpAudioAddress(answer.sdp) : undefined;
    if (!towardCaller) throw new Error('rtpengine answer returned no audio address');
    return new RtpengineMedia(
      {
        ng,
        callId,
        offerTag: fromTag,
        farTag: fromTag,
        reoffer: { ourTag, ...(opts.dtmfPayloadType !== undefined ? { dtmfPayloadType: opts.dtmfPayloadType } : {}), ...(opts.offerFlags ? { offerFlags: opts.offerFlags } : {}) },
        ...(opts.recordingDir ? { recordingDir: opts.recordingDir } : {}),
        ...(opts.checkIntervalMs ? { checkIntervalMs: opts.checkIntervalMs } : {}),
        ...(opts.logger ? { logger: opts.logger } : {}),
      },
      rtp,
      towardCaller,
    );
  } catch (err) {
    await rtp?.close();
    await ng.command('delete', base).catch(() => {});
    throw err;
  }
}

/** What the media of one call through rtpengine needs to know about it, whichever side offered. */
export interface AnchoredCall {
  ng: RtpengineNg;
  callId: string;
  /** rtpengine's from-tag: the party whose SDP was the offer (the caller inbound, our leg outbound). */
  offerTag: string;
  /** rtpengine's tag of the far end (the caller inbound, the callee outbound): its re-INVITEs offer under it. */
  farTag: string;
  recordingDir?: string;
  /** How often to ask rtpengine whether it still has the call; 0 or unset: never. */
  checkIntervalMs?: number;
  logger?: RtpLogger;
  /** What a new offer of the far end's (re-INVITE) needs, see reoffer(); unset, such offers are refused. */
  reoffer?: { ourTag: string; dtmfPayloadType?: number; offerFlags?: Record<string, unknown> };
}

/**
 * A call's media with rtpengine between the far end and our media plane: `local` is rtpengine's port
 * toward the far end (what our SDP advertised), `endpoint` our session, connected to rtpengine's port
 * toward us. Everything but re-offers, rtpengine recording and the loss watch is our session's.
 */
export class RtpengineMedia implements RelayedMediaSession {
  readonly local: { address: string; port: number };
  readonly #call: AnchoredCall;
  readonly #leg: MediaSession;
  readonly #recorder: PcapRecorder | undefined;
  readonly #watch: RtpengineWatch | undefined;
  readonly #hold = holdState();
  #closed: Promise<void> | undefined;

  constructor(call: AnchoredCall, leg: MediaSession, local: { address: string; port: number }) {
    this.#call = call;
    this.#leg = leg;
    this.local = local;
    this.#recorder = call.recordingDir
      ? new PcapRecorder({
          ng: call.ng,
          callId: call.callId,
          dir: call.recordingDir,
          farEndPort: local.port,
          ...(call.logger ? { logger: call.logger } : {}),
        })
      : undefined;
    this.#watch = call.checkIntervalMs ? new RtpengineWatch(call.ng, call.callId, call.checkIntervalMs, call.logger) : undefined;
  }

  /**
   * A new offer from the far end in the dialog (a hold or resume re-INVITE, a moved address): rtpengine
   * must see it, or it keeps relaying to the old address and answers with the old direction. Same
   * call-id and tags as the first offer, so rtpengine updates its call instead of making another; our
   * leg answers with the mirrored direction (recvonly to a hold) and keeps its port. Returns the SDP
   * for the far end: rtpengine's answer.
   */
  async reoffer(sdp: string): Promise<string> {
    const re = this.#call.reoffer;
    if (!re) throw new Error('this call takes no new offer from the far end');
    // The far end offers now, whichever side offered first: its tag is the from-tag, our leg's the to-tag.
    const base = { 'call-id': this.#call.callId, 'from-tag': this.#call.farTag, 'to-tag': re.ourTag };
    const offered = offeredDirection(sdp);
    await this.#call.ng.command('offer', { ...base, sdp, replace: ['origin', 'session-connection'], ICE: 'remove', ...re.offerFlags });
    const ourSdp = buildAnswer(this.#leg.local, { dtmfPayloadType: re.dtmfPayloadType, direction: mirrorDirection(offered) });
    const answer = await this.#call.ng.command('answer', { ...base, sdp: ourSdp, ICE: 'remove' });
    if (!answer.sdp) throw new Error('rtpengine answer returned no SDP');
    // Only now, with rtpengine's answer in hand: until then rtpengine still treats the call as before
    // (on hold while a resume is on its way), and a refused offer changes nothing (RFC 3261 §14.2).
    this.#hold.set(offered === 'sendonly' || offered === 'inactive');
    return answer.sdp;
  }

  /**
   * The far end holding the call and resuming it, as rtpengine last answered: the calls domain plays the
   * other party of a bridge hold music meanwhile and does not take the held party's silence for a dead
   * peer, as on the embedded backend.
   */
  get hold(): HoldSignal {
    return this.#hold;
  }

  /**
   * Prompts are played by our media plane (paced to 20 ms in a media worker) from our leg; rtpengine
   * forwards them to the far end. Not rtpengine's `play media`: checked against rtpengine 10.5, its
   * packets leave about 10 ms apart with gaps of 60-116 ms (issue 16). On hold rtpengine discards
   * what our leg sends, so a prompt passes in silence and the verbs keep their timing.
   */
  play(samples: Int16Array, opts: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#leg.play(samples, opts);
  }

  /**
   * RFC 4733 from our leg, which rtpengine forwards to the far end. Not rtpengine's `play DTMF`: that
   * injects into a stream the named party is already sending ("No SSRC context present for DTMF
   * injection" otherwise, checked against rtpengine 10.5), and our leg only sends when it has to.
   */
  async sendDtmf(digit: string, durationMs = 100): Promise<void> {
    if (this.#closed) return;
    await this.#leg.sendDtmf(digit, durationMs);
  }

  onDtmf(listener: (digit: string) => void): void {
    this.#leg.onDtmf(listener);
  }

  startRecording(opts: RecordingOptions = {}): RecordingHandle {
    // rtpengine's pcap recorder keeps one mixed stream; two channels come from our leg behind it,
    // which sees both directions as the embedded backend's sessions do.
    return this.#recorder && opts.channels !== 2 ? this.#recorder.start() : this.#leg.startRecording(opts);
  }

  onAudio(listener: (pcm: Int16Array) => void): () => void {
    return this.#leg.onAudio(listener);
  }

  /** Audio relayed from elsewhere goes from our leg; rtpengine forwards it to the far end. */
  sendAudioFrame(pcm: Int16Array): void {
    if (this.#closed) return;
    this.#leg.sendAudioFrame(pcm);
  }

  /** Our media plane's session behind rtpengine: bridges and conferences use it (media-endpoint.ts). */
  get endpoint(): MediaSession {
    return this.#leg;
  }

  /**
   * Bridged in our media plane, as on the embedded backend: two calls' sessions relay packets to each
   * other in their media workers, and rtpengine forwards each to its caller.
   */
  bridge(other: MediaSession): () => void {
    return this.#leg.bridge(endpointOf(other));
  }

  setMuted(muted: boolean): void {
    this.#leg.setMuted(muted);
    this.#recorder?.setMuted(muted);
  }

  onTimeout(listener: () => void): void {
    this.#leg.onTimeout(listener);
  }

  /** rtpengine no longer carries the call (killed, or restarted without it): the call cannot go on. */
  onLost(listener: (reason: string) => void): void {
    this.#watch?.onLost(listener);
  }

  stats(): { packetsSent: number; packetsReceived: number; dtmfReceived: number } {
    return this.#leg.stats();
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#watch?.stop();
      await this.#leg.close();
      // Before `delete`: a recording being stopped still has to close its file through the call.
      await this.#recorder?.close();
      await this.#call.ng
        .command('delete', { 'call-id': this.#call.callId, 'from-tag': this.#call.offerTag })
        .catch((err) => this.#call.logger?.warn({ err, callId: this.#call.callId }, 'rtpengine delete failed'));
    })();
    return this.#closed;
  }
}
