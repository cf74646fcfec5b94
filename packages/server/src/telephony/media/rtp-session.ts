/**
 * One call's RTP stream: PCMA at 20 ms out and in, RFC 4733 DTMF out and in, on one UDP socket.
 * This is the embedded backend's {@link MediaSession}. No RTCP: we neither send it nor bind port+1
 * (peers tolerate its absence; liveness is judged from RTP alone, see the timeout below).
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import type { MediaSession, RecordingOptions } from '../backend.js';
import { decodeDtmfPayload, digitToEvent, encodeDtmfPayload, eventToDigit } from './dtmf-event.js';
import { relayFrames } from './frame-relay.js';
import { claimBridge } from './media-use.js';
import { endpointOf } from './media-endpoint.js';
import { ALAW_SILENCE, decodePcma, encodePcmaFrameInto, FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE } from './g711.js';
import { pacer } from './pacer.js';
import { MAX_LATENESS_MS, now, waitUntil } from './pacing.js';
import { TwoWayRecording } from './two-way-recording.js';
import { decodeRtp, RTP_HEADER_SIZE, type RtpPacket, writeRtpHeader } from './rtp-packet.js';
import { RelayClock, type RelayedPacket } from './rtp-relay.js';
import type { RtpAddress } from './sdp-types.js';
import { DEFAULT_PORT_RANGE, type RtpPorts } from './udp-port.js';

/** PCMA's static payload type; the only audio payload type we send or accept. */
const PCMA_PT = 8;
/** RFC 4733 §2.5.1.2 suggests updates every 50 ms during an event. */
const DTMF_UPDATE_MS = 50;
/** RFC 4733 §2.5.1.4: the end packet is sent three times to survive loss. */
const DTMF_END_REPEATS = 3;
/** Volume field of our DTMF packets (-10 dBm0), the usual value phones send. */
const DTMF_VOLUME = 10;
/** How many ended events we remember to drop their repeated end packets. */
const DTMF_DEDUPE_MEMORY = 16;

/** Minimal logger shape (pino's fits). */
export interface RtpLogger {
  warn(obj: object, msg?: string): void;
}

/** Options of {@link openRtpSession}. */
export interface RtpSessionOptions {
  /** Local IPv4 address to bind, e.g. `0.0.0.0` or `127.0.0.1`. */
  bindAddress: string;
  /** The server's RTP port set: the session's port is taken from it and given back on close. */
  ports: RtpPorts;
  /** Address to put in `local` (and so in our SDP) when it differs from bindAddress (0.0.0.0, NAT). */
  advertisedAddress?: string;
  /** Inclusive UDP port range; an even port above 1024 is taken. Default 20000-20999. */
  portRange?: readonly [number, number];
  /** Where to send RTP, from the far end's SDP. */
  remote: RtpAddress;
  /** Negotiated telephone-event payload type; without it DTMF is neither sent nor recognised. */
  dtmfPayloadType?: number;
  /**
   * Fire `onTimeout` after this long without RTP from the far end; 0 disables. Default 30000.
   * The timer is armed when the session opens (the embedded backend opens it at answer time), not at
   * the first packet: a caller whose RTP never reaches us (one-way audio behind NAT, a dead phone) is
   * then also caught. Every valid RTP packet from the far end re-arms it, so after firing it can fire
   * again for a later silence.
   */
  rtpTimeoutMs?: number;
  /**
   * Symmetric RTP (default true): send to wherever the far end's RTP comes from, see RtpSession.
   */
  symmetricRtp?: boolean;
  /** Where listener errors and socket errors go; they are never thrown into the socket loop. */
  logger?: RtpLogger;
  /**
   * Shared counters kept up to date beside stats(): [packetsSent, packetsReceived, dtmfReceived]. A
   * session in a media worker writes them so the main thread reads stats() synchronously (SHARED_STATS).
   */
  sharedStats?: Int32Array;
}

/** Indexes of {@link RtpSessionOptions.sharedStats}. */
export const SHARED_STATS = { packetsSent: 0, packetsReceived: 1, dtmfReceived: 2, length: 3 } as const;

/** Counters of one session. */
export interface RtpSessionStats {
  packetsSent: number;
  /** Valid RTP accepted from the far end, whatever its payload type (comfort noise included). */
  packetsReceived: number;
  /** Digits delivered to onDtmf (one per event, not per packet). */
  dtmfReceived: number;
  bytesSent: number;
  bytesReceived: number;
  /** PCMA (pt 8) packets received. */
  pcmaPacketsReceived: number;
  /** telephone-event packets received (updates and repeated ends included). */
  dtmfPacketsReceived: number;
  /** Datagrams that were not RTP (garbage, RTCP, truncated). */
  invalidPackets: number;
  /** Valid RTP we dropped: unknown payload type (comfort noise...) or a source other than the latched one. */
  ignoredPackets: number;
  sendErrors: number;
  /** Where we currently send. */
  remote: RtpAddress;
}

/** Opens an RTP session bound to a free even port of `portRange` and ready to send to `remote`. */
export async function openRtpSession(options: RtpSessionOptions): Promise<RtpSession> {
  const { socket, port } = await options.ports.bind(options.bindAddress, options.portRange ?? DEFAULT_PORT_RANGE);
  return new RtpSession(socket, port, options);
}

const sameAddress = (a: RtpAddress, b: RemoteInfo | RtpAddress) => a.address === b.address && a.port === b.port;

/**
 * An RTP session implementing {@link MediaSession}. Create it with {@link openRtpSession}.
 *
 * Sending: one SSRC, random initial sequence number and timestamp (RFC 3550 §5.1). play() and
 * sendDtmf() run one at a time through a queue, so concurrent calls never interleave packets. Each
 * play() is a talkspurt: its first packet has the marker bit; within it timestamps step by exactly
 * 160 and packets leave every 20 ms against a monotonic schedule. Between talkspurts the timestamp
 * jumps forward by the real time that passed, as RFC 3550 §5.1 wants for silence.
 *
 * Symmetric RTP (RFC 4961 style, also called "comedia"): a caller behind NAT puts its private address
 * in the SDP, which we cannot reach; its packets, though, arrive from the NAT's public mapping, and
 * replies sent there get through. So the first valid RTP packet (PCMA or telephone-event) latches the
 * send address to its source. After the latch, RTP from any other source is ignored, so a stranger
 * cannot inject audio or DTMF or hijack the stream; {@link setRemote} (a re-INVITE) resets the latch.
 */
export class RtpSession implements MediaSession {
  /** Where we receive RTP (goes into our SDP). */
  readonly local: { address: string; port: number };

  private readonly socket: Socket;
  private readonly bindAddress: string;
  private readonly options: RtpSessionOptions;
  private remote: RtpAddress;
  private latched = false;
  /**
   * After the latch the socket is connected to the far end: each send then skips Node's address
   * lookup (a nextTick per packet) and the kernel's route lookup, about a fifth of a packet's send
   * cost, and the kernel drops datagrams from other sources, which receive() ignored anyway. Packets
   * sent while the connect is under way (a tick or two) wait in `held`, because a send to an address
   * that lands after the connect would fail with EISCONN and vanish.
   */
  private link: 'none' | 'connecting' | 'connected' = 'none';
  private held: Buffer[] = [];
  private dtmfPayloadType: number | undefined;

  private readonly ssrc = randomInt(0, 2 ** 32);
  private sequence = randomInt(0, 2 ** 16);
  private readonly timestampBase = randomInt(0, 2 ** 32);
  /** Media clock origin on the monotonic clock; the timestamp tracks real time between talkspurts. */
  private readonly clockStart = now();
  /** Next free timestamp, relative to timestampBase (a plain number; wrapped only on the wire). */
  private nextTimestamp = 0;
  /** Earliest time the next packet may leave, so back-to-back plays keep the 20 ms spacing. */
  private nextSendAt = 0;
  private queue: Promise<void> = Promise.resolve();

  private readonly closing = new AbortController();
  /** closing.signal.aborted as a field: read for every packet, where the signal's getter showed in profiles. */
  private isClosed = false;
  private closed: Promise<void> | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;

  private readonly dtmfListeners: Array<(digit: string) => void> = [];
  private readonly timeoutListeners: Array<() => void> = [];
  private readonly packetListeners: Array<(packet: RtpPacket, from: RtpAddress) => void> = [];
  private readonly audioListeners = new Set<(pcm: Int16Array) => void>();
  private muted = false;
  /** Monotonic time of the last sendAudioFrame(), to tell a continuing stream from a new talkspurt. */
  private lastFrameAt = Number.NEGATIVE_INFINITY;
  private readonly recordings = new Set<TwoWayRecording>();
  /** While bridged: where each accepted PCMA or telephone-event packet goes, untouched (see bridge()). */
  private relayTarget: ((packet: RelayedPacket) => void) | undefined;
  /** Timestamp mapping of the packets the other leg relays out through this session. */
  private readonly relayClock = new RelayClock();
  /** The telephone-event being received whose end we have not seen yet. */
  private pendingDtmf: { key: string; event: number } | undefined;
  private readonly endedDtmf: string[] = [];

  private readonly counters = {
    packetsSent: 0,
    packetsReceived: 0,
    dtmfReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    pcmaPacketsReceived: 0,
    dtmfPacketsReceived: 0,
    invalidPackets: 0,
    ignoredPackets: 0,
    sendErrors: 0,
  };

  /** Use {@link openRtpSession}; this takes an already bound socket and owns it from now on. */
  constructor(socket: Socket, port: number, options: RtpSessionOptions) {
    this.socket = socket;
    this.bindAddress = options.bindAddress;
    this.options = options;
    this.local = { address: options.advertisedAddress ?? options.bindAddress, port };
    this.remote = { ...options.remote };
    this.dtmfPayloadType = options.dtmfPayloadType;
    socket.on('message', (msg, rinfo) => this.receive(msg, rinfo));
    // An 'error' event without a listener would crash the process; ICMP errors and the like are not
    // fatal. Sends have no callback, so their errors come here: count them all, log the first.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A connected socket (after the latch) hears the ICMP "port unreachable" of a far end that has
      // closed its port, as at hang-up: counted, not worth a warning.
      if (this.counters.sendErrors++ === 0 && err.code !== 'ECONNREFUSED') this.options.logger?.warn({ err, port }, 'RTP socket error (later ones only counted)');
    });
    const timeoutMs = options.rtpTimeoutMs ?? 30_000;
    if (timeoutMs > 0) {
      this.timeoutTimer = setTimeout(() => this.fireTimeout(), timeoutMs);
      // The timer must not keep the process alive on its own.
      this.timeoutTimer.unref();
    }
  }

  /** Plays 8 kHz 16-bit samples as paced 20 ms PCMA packets; queued behind earlier play()/sendDtmf(). */
  play(samples: Int16Array, opts: { signal?: AbortSignal } = {}): Promise<void> {
    return this.enqueue(() => this.sendAudio(samples, opts.signal));
  }

  /**
   * Sends one RFC 4733 DTMF event (digits 0-9, *, #, A-D). Packets every 50 ms carry the duration so
   * far; then the end packet goes out three times with the final duration, all with the event's start
   * timestamp and successive sequence numbers. Queued like play(). Rejects (without sending) for an
   * unknown digit or when no telephone-event payload type was negotiated.
   */
  sendDtmf(digit: string, durationMs = 100): Promise<void> {
    const event = digitToEvent(digit);
    if (event === undefined) return Promise.reject(new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`));
    const pt = this.dtmfPayloadType;
    if (pt === undefined) return Promise.reject(new Error('telephone-event was not negotiated for this session'));
    // At least one update interval; at most what the 16-bit duration field holds (8191 ms at 8 kHz).
    const ms = Math.min(Math.max(Math.round(durationMs), 40), Math.floor(0xffff / (SAMPLE_RATE / 1000)));
    return this.enqueue(() => this.sendDtmfEvent(event, pt, ms));
  }

  /** Registers a listener called once per digit the far end sends, after its end packet. */
  onDtmf(listener: (digit: string) => void): void {
    this.dtmfListeners.push(listener);
  }

  /** Registers a listener called when no RTP arrived for `rtpTimeoutMs` (see the option). */
  onTimeout(listener: () => void): void {
    this.timeoutListeners.push(listener);
  }

  /** Registers a listener for every RTP packet accepted from the far end (monitoring and tests). */
  onPacket(listener: (packet: RtpPacket, from: RtpAddress) => void): void {
    this.packetListeners.push(listener);
  }

  /**
   * Starts keeping received PCMA audio, and while bridged the other leg's audio relayed to the far end
   * too (both directions, mixed: two-way-recording.ts). Several recordings may run at once. Audio is
   * placed by RTP timestamp, so losses and silences between talkspurts come back as silence of the right length.
   */
  startRecording(opts: RecordingOptions = {}): { stop(): Int16Array; pause(): void; resume(): void } {
    const buffer = new TwoWayRecording();
    this.recordings.add(buffer);
    return {
      stop: () => {
        this.recordings.delete(buffer);
        return buffer.toPcm(opts.channels ?? 1);
      },
      pause: () => buffer.pause(),
      resume: () => buffer.resume(),
    };
  }

  /**
   * Registers a listener for each 20 ms of audio the far end sends, decoded (silence while muted).
   * Bridging and silence detection use it; returns a function that removes the listener.
   */
  onAudio(listener: (pcm: Int16Array) => void): () => void {
    this.audioListeners.add(listener);
    return () => this.audioListeners.delete(listener);
  }

  /** While muted, the far end's audio reaches recordings and onAudio listeners as silence; DTMF still counts. */
  setMuted(muted: boolean): void {
    this.muted = muted;
  }

  /**
   * Sends one frame (up to 20 ms) at once, for audio relayed live from another call: the other call's
   * packets already arrive paced, so queueing them behind play()'s schedule would only add delay.
   * A frame more than 3 frames after the previous one starts a new talkspurt (marker bit, timestamp
   * advanced by the real time that passed), as for silence between plays.
   */
  sendAudioFrame(pcm: Int16Array): void {
    if (this.isClosed || pcm.length === 0) return;
    const at = now();
    const fresh = at - this.lastFrameAt > 3 * FRAME_MS;
    const timestamp = fresh ? this.talkspurtTimestamp(at) : this.nextTimestamp;
    this.lastFrameAt = at;
    this.sendPcm(fresh, timestamp, pcm);
    this.nextTimestamp = timestamp + FRAME_SAMPLES;
    this.nextSendAt = Math.max(this.nextSendAt, at + FRAME_MS);
  }

  /**
   * Bridges this call's far end to `other`'s, both ways, until the returned function is called. Two
   * RtpSessions in one thread relay packets (see relay()): no decoding, no re-encoding, DTMF passed
   * as telephone-events; any other session gets decoded frames and re-sent digits (frame-relay.ts).
   */
  bridge(peer: MediaSession): () => void {
    const other = endpointOf(peer);
    const release = claimBridge(this, other);
    if (!(other instanceof RtpSession) || other === this) {
      const unrelay = relayFrames(this, other);
      return () => {
        unrelay();
        release();
      };
    }
    this.relayTo((p) => other.relay(p));
    other.relayTo((p) => this.relay(p));
    return () => {
      this.relayTo(undefined);
      other.relayTo(undefined);
      release();
    };
  }

  /** Hands every accepted PCMA and telephone-event packet to `target` (a bridge), or stops when undefined. */
  relayTo(target: ((packet: RelayedPacket) => void) | undefined): void {
    this.relayTarget = target;
    this.relayClock.reset();
  }

  /**
   * Sends a packet relayed from the other leg of a bridge, at once (it arrived paced): payload bytes as
   * they came, this session's SSRC and next sequence number, the source's timestamp moved by an offset
   * kept per source (RelayClock), its marker kept (and set on the first packet of a new source). A
   * telephone-event goes out with this session's payload type, or not at all when none was negotiated.
   * Afterwards play() continues from where the relayed stream ended.
   */
  relay(packet: RelayedPacket): void {
    if (this.isClosed) return;
    const pt = packet.kind === 'audio' ? PCMA_PT : this.dtmfPayloadType;
    if (pt === undefined) return;
    const at = now();
    const { timestamp, fresh } = this.relayClock.map(packet, () => this.talkspurtTimestamp(at));
    this.send(pt, packet.marker || fresh, timestamp, packet.payload);
    if (packet.kind === 'audio' && this.recordings.size > 0) {
      // A bridged call's recording keeps both directions: the other leg's audio as sent to this far end.
      const pcm = decodePcma(packet.payload);
      for (const recording of this.recordings) recording.addRelayed(pcm, timestamp, this.ssrc);
    }
    const length = packet.kind === 'audio' ? packet.payload.length : (decodeDtmfPayload(packet.payload)?.duration ?? 0);
    this.nextTimestamp = Math.max(this.nextTimestamp, timestamp + length);
    this.nextSendAt = Math.max(this.nextSendAt, at + FRAME_MS);
  }

  /**
   * Points the stream at a new remote address (a re-INVITE's SDP) and clears the symmetric-RTP latch.
   * `dtmfPayloadType` is replaced too when given.
   */
  setRemote(remote: RtpAddress, dtmfPayloadType?: number): void {
    this.remote = { ...remote };
    this.latched = false;
    this.unlink();
    if (dtmfPayloadType !== undefined) this.dtmfPayloadType = dtmfPayloadType;
  }

  /** Counters, plus where we currently send. */
  stats(): RtpSessionStats {
    return { ...this.counters, remote: { ...this.remote } };
  }

  /** Stops sending (pending and running play() calls resolve), stops the timer and frees the port. */
  close(): Promise<void> {
    if (!this.closed) {
      this.isClosed = true;
      this.closing.abort();
      this.relayTarget = undefined;
      clearTimeout(this.timeoutTimer);
      this.recordings.clear();
      this.audioListeners.clear();
      this.closed = new Promise<void>((resolve) => {
        try {
          this.socket.close(() => resolve());
        } catch {
          resolve(); // already closed
        }
      }).finally(() => this.options.ports.release(this.bindAddress, this.local.port));
    }
    return this.closed;
  }

  // --- sending -----------------------------------------------------------------------------------

  /** Runs jobs one after another; a failing job does not block the ones behind it. */
  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.queue.then(job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Starts a talkspurt at monotonic time `at`: its timestamp is the next free one, or later if real
   * time has moved on (silence still advances the media clock, RFC 3550 §5.1).
   */
  private talkspurtTimestamp(at: number): number {
    const elapsed = Math.floor(((at - this.clockStart) * SAMPLE_RATE) / 1000);
    return Math.max(this.nextTimestamp, elapsed);
  }

  /**
   * One talkspurt: packet i leaves at `start + i * 20 ms` through the process-wide pacer (pacer.ts),
   * which keeps per-packet cost to a heap entry: no promise, timer or listener per packet.
   */
  private sendAudio(samples: Int16Array, signal: AbortSignal | undefined): Promise<void> {
    if (this.isClosed || signal?.aborted) return Promise.resolve();
    // Each frame is encoded when it leaves, not all up front: a minute-long prompt, or many calls
    // starting together, would otherwise stall the pacer for every other stream while it encodes.
    const count = Math.ceil(samples.length / FRAME_SAMPLES);
    if (count === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let start = Math.max(now(), this.nextSendAt);
      let firstTimestamp: number | undefined;
      let i = 0;
      let next: { cancel(): void } | undefined;
      // Set by finish(), which an abort of `signal` or of the session calls at once: the step reads a
      // boolean instead of two AbortSignal getters per packet.
      let stopped = false;
      const finish = () => {
        stopped = true;
        next?.cancel();
        signal?.removeEventListener('abort', finish);
        this.closing.signal.removeEventListener('abort', finish);
        resolve();
      };
      const step = () => {
        if (stopped || this.isClosed) return finish();
        if (i === 0) {
          // The schedule starts when the first packet really leaves: when many plays start in one turn
          // (a burst of calls), the later ones' first packets go out a few ms late, and their second
          // must not then follow early.
          start = Math.max(start, now());
          firstTimestamp = this.talkspurtTimestamp(start);
        }
        firstTimestamp ??= this.talkspurtTimestamp(start);
        let due = start + i * FRAME_MS;
        const lateness = now() - due;
        if (lateness > MAX_LATENESS_MS) {
          // The event loop stalled: shift the schedule rather than burst the backlog at the far end's
          // jitter buffer. The audio stays contiguous (timestamps still step 160).
          start += lateness;
          due += lateness;
        }
        const timestamp = firstTimestamp + i * FRAME_SAMPLES;
        this.sendPcm(i === 0, timestamp, samples.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES));
        this.nextTimestamp = timestamp + FRAME_SAMPLES;
        this.nextSendAt = due + FRAME_MS;
        i++;
        if (i >= count) return finish();
        next = pacer.at(start + i * FRAME_MS, step);
      };
      signal?.addEventListener('abort', finish, { once: true });
      this.closing.signal.addEventListener('abort', finish, { once: true });
      next = pacer.at(start, step);
    });
  }

  private async sendDtmfEvent(event: number, pt: number, durationMs: number): Promise<void> {
    if (this.isClosed) return;
    const start = Math.max(now(), this.nextSendAt);
    await waitUntil(start, this.closing.signal);
    const timestamp = this.talkspurtTimestamp(start);
    const samplesPerMs = SAMPLE_RATE / 1000;
    const total = durationMs * samplesPerMs;
    const updates = Math.ceil(durationMs / DTMF_UPDATE_MS);
    for (let k = 0; k < updates; k++) {
      await waitUntil(start + k * DTMF_UPDATE_MS, this.closing.signal);
      if (this.isClosed) return;
      const duration = Math.min((k + 1) * DTMF_UPDATE_MS * samplesPerMs, total);
      this.send(pt, k === 0, timestamp, encodeDtmfPayload({ event, end: false, volume: DTMF_VOLUME, duration }));
    }
    await waitUntil(start + durationMs, this.closing.signal);
    if (this.isClosed) return;
    const end = encodeDtmfPayload({ event, end: true, volume: DTMF_VOLUME, duration: total });
    for (let r = 0; r < DTMF_END_REPEATS; r++) this.send(pt, false, timestamp, end);
    this.nextTimestamp = timestamp + total;
    this.nextSendAt = start + durationMs + FRAME_MS;
  }

  private send(payloadType: number, marker: boolean, relativeTimestamp: number, payload: Uint8Array): void {
    const packet = Buffer.allocUnsafe(RTP_HEADER_SIZE + payload.length);
    packet.set(payload, RTP_HEADER_SIZE);
    this.transmit(packet, payloadType, marker, relativeTimestamp);
  }

  /** One 20 ms PCMA packet of `samples` (up to 160; padded with silence), encoded straight into the packet. */
  private sendPcm(marker: boolean, relativeTimestamp: number, samples: Int16Array): void {
    const packet = Buffer.allocUnsafe(RTP_HEADER_SIZE + FRAME_SAMPLES);
    encodePcmaFrameInto(samples, packet, RTP_HEADER_SIZE);
    this.transmit(packet, PCMA_PT, marker, relativeTimestamp);
  }

  /** Fills in the header of `packet` (its payload already in place) and sends it to the far end. */
  private transmit(packet: Buffer, payloadType: number, marker: boolean, relativeTimestamp: number): void {
    writeRtpHeader(packet, payloadType, marker, this.sequence, (this.timestampBase + relativeTimestamp) >>> 0, this.ssrc);
    this.sequence = (this.sequence + 1) & 0xffff;
    this.counters.packetsSent++;
    if (this.options.sharedStats) Atomics.store(this.options.sharedStats, SHARED_STATS.packetsSent, this.counters.packetsSent);
    this.counters.bytesSent += packet.length;
    this.put(packet);
  }

  private put(packet: Buffer): void {
    if (this.link === 'connecting') {
      this.held.push(packet);
      return;
    }
    try {
      // No completion callback: one per packet was a third of the send cost at 300 calls. Send errors
      // (ICMP unreachable and the like) then arrive as the socket's 'error' event, counted there.
      if (this.link === 'connected') this.socket.send(packet);
      else this.socket.send(packet, this.remote.port, this.remote.address);
    } catch {
      // The socket closed under us (close() raced a send); nothing left to send to.
      this.counters.sendErrors++;
    }
  }

  /** Connects the socket to the latched far end (see `link`). */
  private linkToRemote(): void {
    if (this.link !== 'none' || this.isClosed) return;
    const target = { ...this.remote };
    this.link = 'connecting';
    const settle = (err?: Error) => {
      if (this.isClosed) return;
      if (err) {
        this.link = 'none';
      } else {
        this.link = 'connected';
        // A re-INVITE (setRemote) while connecting: the latch has moved on, so has the far end.
        if (!this.latched || !sameAddress(target, this.remote)) this.unlink();
      }
      const held = this.held;
      this.held = [];
      for (const packet of held) this.put(packet);
    };
    try {
      this.socket.connect(target.port, target.address, settle);
    } catch (err) {
      settle(err as Error);
    }
  }

  /** Ends the connection of linkToRemote(); one still being made ends when it settles. */
  private unlink(): void {
    if (this.link !== 'connected') return;
    try {
      this.socket.disconnect();
    } catch {
      // Closed meanwhile.
    }
    this.link = 'none';
  }

  // --- receiving ---------------------------------------------------------------------------------

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.isClosed) return;
    this.counters.bytesReceived += msg.length;
    const packet = decodeRtp(msg);
    if (!packet) {
      this.counters.invalidPackets++;
      return;
    }
    const pt = packet.payloadType;
    const known = pt === PCMA_PT || (this.dtmfPayloadType !== undefined && pt === this.dtmfPayloadType);
    if (this.options.symmetricRtp !== false) {
      if (!this.latched) {
        // Latch only on our negotiated payload types, so a stray packet of something else cannot redirect us.
        if (!known) {
          this.counters.ignoredPackets++;
          return;
        }
        this.latched = true;
        if (!sameAddress(this.remote, rinfo)) this.remote = { address: rinfo.address, port: rinfo.port };
        this.linkToRemote();
      } else if (!sameAddress(this.remote, rinfo)) {
        this.counters.ignoredPackets++;
        return;
      }
    }
    // Any valid RTP from the far end (comfort noise included) shows the call is alive.
    this.timeoutTimer?.refresh();
    this.counters.packetsReceived++;
    if (this.options.sharedStats) Atomics.store(this.options.sharedStats, SHARED_STATS.packetsReceived, this.counters.packetsReceived);
    for (const listener of this.packetListeners) this.safely(() => listener(packet, { address: rinfo.address, port: rinfo.port }));
    if (this.relayTarget && known) {
      const audio = pt === PCMA_PT;
      // Muted, the far end's audio crosses the bridge as A-law silence of the same length.
      const payload = audio && this.muted ? new Uint8Array(packet.payload.length).fill(ALAW_SILENCE) : packet.payload;
      const target = this.relayTarget;
      this.safely(() => target({ kind: audio ? 'audio' : 'dtmf', marker: packet.marker, timestamp: packet.timestamp, ssrc: packet.ssrc, payload }));
    }
    if (pt === PCMA_PT) {
      this.counters.pcmaPacketsReceived++;
      if (this.recordings.size > 0 || this.audioListeners.size > 0) {
        // Muted audio still advances the timeline, as silence, so recordings and a bridged call keep time.
        const pcm = this.muted ? new Int16Array(packet.payload.length) : decodePcma(packet.payload);
        for (const recording of this.recordings) recording.addReceived(pcm, packet.timestamp, packet.ssrc);
        for (const listener of this.audioListeners) this.safely(() => listener(pcm));
      }
    } else if (known) {
      this.counters.dtmfPacketsReceived++;
      this.receiveDtmf(packet);
    } else {
      this.counters.ignoredPackets++;
    }
  }

  /**
   * One digit per event: an event is identified by SSRC and timestamp (RFC 4733 §2.5.2.1), and its
   * repeated end packets are dropped by remembering the last few ended events. If the end packets of
   * an event were all lost, the start of the next event reports it.
   */
  private receiveDtmf(packet: RtpPacket): void {
    const payload = decodeDtmfPayload(packet.payload);
    if (!payload) return;
    const key = `${packet.ssrc}:${packet.timestamp}`;
    if (this.endedDtmf.includes(key)) return;
    const pending = this.pendingDtmf;
    if (pending && pending.key !== key) {
      this.pendingDtmf = undefined;
      this.finishDtmf(pending.key, pending.event);
    }
    if (payload.end) {
      this.pendingDtmf = undefined;
      this.finishDtmf(key, payload.event);
    } else {
      this.pendingDtmf = { key, event: payload.event };
    }
  }

  private finishDtmf(key: string, event: number): void {
    this.endedDtmf.push(key);
    if (this.endedDtmf.length > DTMF_DEDUPE_MEMORY) this.endedDtmf.shift();
    const digit = eventToDigit(event);
    if (digit === undefined) return; // flash (16) and other non-DTMF events
    this.counters.dtmfReceived++;
    if (this.options.sharedStats) Atomics.store(this.options.sharedStats, SHARED_STATS.dtmfReceived, this.counters.dtmfReceived);
    for (const listener of this.dtmfListeners) this.safely(() => listener(digit));
  }

  private fireTimeout(): void {
    if (this.isClosed) return;
    for (const listener of this.timeoutListeners) this.safely(listener);
  }

  /** A throwing listener must not take down the socket loop (an uncaught error would end the process). */
  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.logger?.warn({ err }, 'RTP session listener threw');
    }
  }
}
