import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaSession, RecordingHandle } from '../backend.js';
import { type RtpengineLeg, openRtpengineLeg } from './rtpengine-leg.js';
import { buildAnswer, relayFrames, type RtpLogger, type RtpSession, writeWav8k } from '../media/index.js';
import type { RtpengineNg } from './rtpengine-ng.js';
import { PcapRecorder } from './rtpengine-recording.js';
import { mirrorDirection, offeredDirection } from './sdp-direction.js';
import { sdpAudioAddress } from './sdp-media-address.js';
import { RtpengineWatch } from './rtpengine-watch.js';

/**
 * A call's media through rtpengine, for an IVR with no B-leg.
 *
 * rtpengine anchors the caller's RTP (public address, NAT learning, and later SRTP/ICE or
 * transcoding) and needs two parties to bridge. The second party is a small RTP socket in this
 * process (the embedded RtpSession), so:
 * - what the caller sends reaches us through rtpengine: DTMF (RFC 4733), recording and the RTP
 *   timeout work in-process exactly as with the embedded backend;
 * - prompts are played by rtpengine itself (`play media`) toward the caller; DTMF we send goes
 *   from our leg as RFC 4733 and rtpengine forwards it;
 * - with a recording dir, rtpengine records (see rtpengine-recording.ts); without one, our leg does.
 *
 *   caller ⇄ rtpengine(caller-facing port = `local`) ⇄ rtpengine(our-facing port) ⇄ our RTP socket
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
  /**
   * Where prompts are written as WAV files for rtpengine's `play media` (default: a fresh temp dir).
   * rtpengine opens them by path, so it must see the same filesystem (same host, or a shared volume
   * mounted at the same path). The ng `blob` alternative is not used: rtpengine-client turns the
   * bencoded message into a string, which corrupts binary data ("Could not decode bencode dictionary").
   */
  playDir?: string;
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

  let rtp: RtpSession | undefined;
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
        ...(opts.playDir ? { playDir: opts.playDir } : {}),
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
  /** rtpengine's tag of the far end (the caller inbound, the callee outbound): prompts are played to it. */
  farTag: string;
  playDir?: string;
  recordingDir?: string;
  /** How often to ask rtpengine whether it still has the call; 0 or unset: never. */
  checkIntervalMs?: number;
  logger?: RtpLogger;
  /** What a new offer of the far end's (re-INVITE) needs, see reoffer(); unset, such offers are refused. */
  reoffer?: { ourTag: string; dtmfPayloadType?: number; offerFlags?: Record<string, unknown> };
}

/**
 * A call's media with rtpengine between the far end and our RTP leg: `local` is rtpengine's port toward
 * the far end (what our SDP advertised), `rtp` our leg, connected to rtpengine's port toward us.
 */
export class RtpengineMedia implements MediaSession {
  readonly local: { address: string; port: number };
  readonly #call: AnchoredCall;
  readonly #rtp: RtpSession;
  readonly #recorder: PcapRecorder | undefined;
  readonly #watch: RtpengineWatch | undefined;
  /** The far end's last offer put the call on hold (sendonly or inactive): it takes no media now. */
  #farHolding = false;
  #packetsSent = 0;
  #queue: Promise<void> = Promise.resolve();
  #closed: Promise<void> | undefined;
  #dir: Promise<string> | undefined;

  constructor(call: AnchoredCall, rtp: RtpSession, local: { address: string; port: number }) {
    this.#call = call;
    this.#rtp = rtp;
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
    // Set before rtpengine hears of it: a prompt starting meanwhile must not fail the call.
    this.#farHolding = offered === 'sendonly' || offered === 'inactive';
    await this.#call.ng.command('offer', { ...base, sdp, replace: ['origin', 'session-connection'], ICE: 'remove', ...re.offerFlags });
    const ourSdp = buildAnswer(this.#rtp.local, { dtmfPayloadType: re.dtmfPayloadType, direction: mirrorDirection(offered) });
    const answer = await this.#call.ng.command('answer', { ...base, sdp: ourSdp, ICE: 'remove' });
    if (!answer.sdp) throw new Error('rtpengine answer returned no SDP');
    return answer.sdp;
  }

  /** rtpengine's `play media` plays TO the party named by from-tag (checked against 10.5). */
  get #farSide() {
    return { 'call-id': this.#call.callId, 'from-tag': this.#call.farTag };
  }

  play(samples: Int16Array, opts: { signal?: AbortSignal } = {}): Promise<void> {
    // One prompt at a time, like the embedded session: a second play waits for the first.
    const job = this.#queue.then(() => this.#play(samples, opts.signal));
    this.#queue = job.catch(() => {});
    return job;
  }

  async #play(samples: Int16Array, signal: AbortSignal | undefined): Promise<void> {
    if (this.#closed || signal?.aborted || samples.length === 0) return;
    const dir = await this.#playDir();
    const file = join(dir, `${randomBytes(8).toString('hex')}.wav`);
    await writeFile(file, writeWav8k(samples));
    try {
      await this.#playOne({ file }, samples.length, signal);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Starts one `play media` and waits the duration rtpengine reports (it does not say when it ends). */
  async #playOne(source: { file: string }, sampleCount: number, signal: AbortSignal | undefined): Promise<void> {
    let duration: unknown;
    try {
      duration = (await this.#call.ng.command('playMedia', { ...this.#farSide, ...source })).duration;
      this.#packetsSent += Math.ceil(sampleCount / 160);
    } catch (err) {
      // On hold the far end takes no media, so rtpengine refuses to play ("No suitable SDP section
      // for media playback", 10.5): the prompt passes in silence, as its RTP would be discarded, and
      // the verbs keep their timing instead of failing the call.
      if (!this.#farHolding) throw err;
    }
    const ms = typeof duration === 'number' && duration > 0 ? duration : sampleCount / 8;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      const onAbort = () => {
        void this.#call.ng.command('stopMedia', this.#farSide).catch(() => {});
        done();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #playDir(): Promise<string> {
    const configured = this.#call.playDir;
    this.#dir ??= configured ? Promise.resolve(configured) : mkdtemp(join(tmpdir(), 'prolope-rtpengine-'));
    return this.#dir;
  }

  /**
   * RFC 4733 from our leg, which rtpengine forwards to the far end. Not rtpengine's `play DTMF`: that
   * injects into a stream the named party is already sending ("No SSRC context present for DTMF
   * injection" otherwise, checked against rtpengine 10.5), and our leg only sends when it has to.
   */
  async sendDtmf(digit: string, durationMs = 100): Promise<void> {
    if (this.#closed) return;
    await this.#rtp.sendDtmf(digit, durationMs);
  }

  onDtmf(listener: (digit: string) => void): void {
    this.#rtp.onDtmf(listener);
  }

  startRecording(): RecordingHandle {
    return this.#recorder ? this.#recorder.start() : this.#rtp.startRecording();
  }

  onAudio(listener: (pcm: Int16Array) => void): () => void {
    return this.#rtp.onAudio(listener);
  }

  /** Bridged audio goes from our leg; rtpengine forwards it to the far end. */
  sendAudioFrame(pcm: Int16Array): void {
    if (this.#closed) return;
    this.#rtp.sendAudioFrame(pcm);
  }

  /**
   * As before the media plane relayed packets: decoded frames and re-sent digits through our leg toward
   * rtpengine (frame-relay.ts), since rtpengine, not this process, carries the call's RTP.
   */
  bridge(other: MediaSession): () => void {
    return relayFrames(this, other);
  }

  setMuted(muted: boolean): void {
    this.#rtp.setMuted(muted);
    this.#recorder?.setMuted(muted);
  }

  onTimeout(listener: () => void): void {
    this.#rtp.onTimeout(listener);
  }

  /** rtpengine no longer carries the call (killed, or restarted without it): the call cannot go on. */
  onLost(listener: (reason: string) => void): void {
    this.#watch?.onLost(listener);
  }

  stats(): { packetsSent: number; packetsReceived: number; dtmfReceived: number } {
    const { packetsSent, packetsReceived, dtmfReceived } = this.#rtp.stats();
    return { packetsSent: this.#packetsSent + packetsSent, packetsReceived, dtmfReceived };
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#watch?.stop();
      await this.#rtp.close();
      // Before `delete`: a recording being stopped still has to close its file through the call.
      await this.#recorder?.close();
      await this.#call.ng
        .command('delete', { 'call-id': this.#call.callId, 'from-tag': this.#call.offerTag })
        .catch((err) => this.#call.logger?.warn({ err, callId: this.#call.callId }, 'rtpengine delete failed'));
      if (this.#dir && !this.#call.playDir) await rm(await this.#dir, { recursive: true, force: true });
    })();
    return this.#closed;
  }
}
