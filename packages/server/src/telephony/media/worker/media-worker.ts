/**
 * A media worker's entry: it holds the UDP sockets and RtpSessions of the calls the pool gives it and
 * paces their packets on its own event loop (its own pacer: the module is loaded once per thread), so
 * a busy main thread (SIP, the API, the store) does not delay a call's audio. Built as its own file
 * (tsup entry `media-worker`); see worker-entry.ts for how it is started from sources.
 */
import type { Socket } from 'node:dgram';
import { constants, setPriority } from 'node:os';
import { type MessagePort, parentPort } from 'node:worker_threads';
import { AudioMixer } from '../audio-mixer.js';
import type { RelayedPacket } from '../rtp-relay.js';
import { RtpSession } from '../rtp-session.js';
import { RtpPorts, tryBind } from '../udp-port.js';
import type { FromWorker, ToWorker } from './protocol.js';

interface Hosted {
  socket: Socket;
  port: number;
  address: string;
  session?: RtpSession;
  plays: Map<number, AbortController>;
  recordings: Map<number, ReturnType<RtpSession['startRecording']>>;
  offAudio?: () => void;
  /** Ends the session's bridge (both ends of a same-worker bridge hold the same function). */
  unbridge?: () => void;
  /** Ends the session's part in a conference (a mixer here, or a port toward the host worker). */
  unmix?: () => void;
}

/** A session of this worker in a mixer of this worker. */
function mixHere(h: Hosted, mixer: AudioMixer, key: number): void {
  const s = h.session;
  if (!s) return;
  h.unmix?.();
  mixer.join(key, (pcm) => s.sendAudioFrame(pcm));
  // A copy: the same frame may be transferred to the main thread by an onAudio of its own.
  const off = s.onAudio((pcm) => mixer.push(key, pcm.slice()));
  const unmix = () => {
    off();
    mixer.leave(key);
    if (h.unmix === unmix) h.unmix = undefined;
  };
  h.unmix = unmix;
}

/** A session of this worker in a mixer of another: frames out and the mix back through `port`, transferred. */
function mixThrough(h: Hosted, port: MessagePort): void {
  const s = h.session;
  if (!s) {
    port.close();
    return;
  }
  h.unmix?.();
  port.on('message', (pcm: Int16Array) => s.sendAudioFrame(pcm));
  const off = s.onAudio((pcm) => {
    const copy = pcm.slice();
    port.postMessage(copy, [copy.buffer]);
  });
  const unmix = () => {
    off();
    port.close();
    if (h.unmix === unmix) h.unmix = undefined;
  };
  h.unmix = unmix;
}

/** The host's end of a mix-port: the participant's frames mixed in, its mix sent back; gone when the port closes. */
function mixPort(mixer: AudioMixer, key: number, port: MessagePort): void {
  mixer.join(key, (pcm) => port.postMessage(pcm, [pcm.buffer as ArrayBuffer]));
  port.on('message', (pcm: Int16Array) => mixer.push(key, pcm));
  port.on('close', () => mixer.leave(key));
}

/** Relays packets between two sessions of this worker; both hold the one function that ends it. */
function bridgeHere(a: Hosted, b: Hosted): void {
  const [sa, sb] = [a.session, b.session];
  if (!sa || !sb || a === b) return;
  a.unbridge?.();
  b.unbridge?.();
  const unbridge = () => {
    sa.relayTo(undefined);
    sb.relayTo(undefined);
    for (const h of [a, b]) if (h.unbridge === unbridge) h.unbridge = undefined;
  };
  sa.relayTo((p) => sb.relay(p));
  sb.relayTo((p) => sa.relay(p));
  a.unbridge = unbridge;
  b.unbridge = unbridge;
}

/**
 * Relays packets between a session here and one in another worker through `port`: each received packet
 * is posted with a copy of its payload transferred (the socket's buffer is not ours to give away), and
 * each packet from the port is sent at once.
 */
function bridgeThrough(h: Hosted, port: MessagePort): void {
  const s = h.session;
  if (!s) {
    port.close();
    return;
  }
  h.unbridge?.();
  port.on('message', (p: RelayedPacket) => s.relay(p));
  s.relayTo((p) => {
    // A copy of its own: the payload is a view of the socket's datagram (a Buffer, whose slice() would
    // be a view too), which this session still decodes for its recordings after the relay.
    const payload = new Uint8Array(p.payload);
    port.postMessage({ ...p, payload }, [payload.buffer]);
  });
  const unbridge = () => {
    s.relayTo(undefined);
    port.close();
    if (h.unbridge === unbridge) h.unbridge = undefined;
  };
  h.unbridge = unbridge;
}

function serve(port: NonNullable<typeof parentPort>): void {
  const hosted = new Map<number, Hosted>();
  const mixers = new Map<number, AudioMixer>();
  // The session releases its port here on close; the main thread's RtpPorts is the one that counts.
  const ports = new RtpPorts();
  const post = (message: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);
  const reply = (req: number, extra: Omit<Extract<FromWorker, { ev: 'reply' }>, 'ev' | 'req'> = {}, transfer?: ArrayBuffer[]) =>
    post({ ev: 'reply', req, ...extra }, transfer);
  const logger = {
    warn: (obj: object, msg?: string) =>
      post({ ev: 'warn', msg: msg ?? '', err: String((obj as { err?: unknown }).err ?? ''), port: (obj as { port?: number }).port }),
  };

  const handle = (m: ToWorker): void => {
    if (m.op === 'bind') {
      tryBind(m.address, m.port).then(
        (socket) => {
          if (socket) hosted.set(m.id, { socket, port: m.port, address: m.address, plays: new Map(), recordings: new Map() });
          reply(m.req, { bound: socket !== undefined });
        },
        (err: unknown) => reply(m.req, { error: String(err) }),
      );
      return;
    }
    if (m.op === 'mix-open') {
      mixers.set(m.conf, new AudioMixer());
      return;
    }
    if (m.op === 'mix-port') {
      const mixer = mixers.get(m.conf);
      if (mixer) mixPort(mixer, m.key, m.port);
      else m.port.close();
      return;
    }
    if (m.op === 'mix-close') {
      mixers.get(m.conf)?.close();
      mixers.delete(m.conf);
      return;
    }
    const h = hosted.get(m.id);
    if (!h) {
      // A session already closed: answer what waits for an answer, drop the rest.
      if ('req' in m) reply(m.req, m.op === 'record-stop' ? { pcm: new Int16Array(0) } : {});
      return;
    }
    const s = h.session;
    switch (m.op) {
      case 'start': {
        const sharedStats = new Int32Array(m.stats);
        h.session = new RtpSession(h.socket, h.port, { bindAddress: h.address, ports, ...m.options, logger, sharedStats });
        h.session.onDtmf((digit) => post({ ev: 'dtmf', id: m.id, digit }));
        h.session.onTimeout(() => post({ ev: 'timeout', id: m.id }));
        return;
      }
      case 'close': {
        hosted.delete(m.id);
        h.unbridge?.();
        h.unmix?.();
        for (const play of h.plays.values()) play.abort();
        const closed = s ? s.close() : new Promise<void>((resolve) => h.socket.close(() => resolve()));
        closed.then(
          () => reply(m.req),
          () => reply(m.req),
        );
        return;
      }
      case 'play': {
        if (!s) {
          reply(m.req, { error: 'media not started' });
          return;
        }
        const abort = new AbortController();
        h.plays.set(m.req, abort);
        s.play(m.samples, { signal: abort.signal })
          .then(
            () => reply(m.req),
            (err: unknown) => reply(m.req, { error: String(err) }),
          )
          .finally(() => h.plays.delete(m.req));
        return;
      }
      case 'stop-play':
        h.plays.get(m.play)?.abort();
        return;
      case 'dtmf':
        if (!s) {
          reply(m.req, { error: 'media not started' });
          return;
        }
        s.sendDtmf(m.digit, m.durationMs).then(
          () => reply(m.req),
          (err: unknown) => reply(m.req, { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
        );
        return;
      case 'record':
        if (s) h.recordings.set(m.rec, s.startRecording({ channels: m.channels }));
        return;
      case 'record-pause':
        h.recordings.get(m.rec)?.pause();
        return;
      case 'record-resume':
        h.recordings.get(m.rec)?.resume();
        return;
      case 'record-stop': {
        const recording = h.recordings.get(m.rec);
        h.recordings.delete(m.rec);
        const pcm = (recording?.stop() as Int16Array | undefined) ?? new Int16Array(0);
        reply(m.req, { pcm }, [pcm.buffer as ArrayBuffer]);
        return;
      }
      case 'audio':
        h.offAudio?.();
        h.offAudio = undefined;
        if (m.on && s) h.offAudio = s.onAudio((pcm) => post({ ev: 'audio', id: m.id, pcm }, [pcm.buffer as ArrayBuffer]));
        return;
      case 'frame':
        s?.sendAudioFrame(m.pcm);
        return;
      case 'mute':
        s?.setMuted(m.muted);
        return;
      case 'bridge': {
        const peer = hosted.get(m.peer);
        if (peer) bridgeHere(h, peer);
        return;
      }
      case 'bridge-port':
        bridgeThrough(h, m.port);
        return;
      case 'unbridge':
        h.unbridge?.();
        return;
      case 'mix-join': {
        const mixer = mixers.get(m.conf);
        if (mixer) mixHere(h, mixer, m.key);
        return;
      }
      case 'mix-remote':
        mixThrough(h, m.port);
        return;
      case 'unmix':
        h.unmix?.();
        return;
      case 'remote':
        s?.setRemote(m.remote, m.dtmfPayloadType);
        return;
    }
  };
  port.on('message', handle);
  post({ ev: 'ready' });
}

/**
 * Media threads ask the scheduler for precedence over the rest of the machine (the main thread's SIP,
 * API and store work included), as media servers do: on a busy 2-core machine a runnable thread can
 * otherwise wait a whole time slice (several ms) for a core. On Linux the nice value is per thread, so
 * this raises only this worker. It needs CAP_SYS_NICE (root has it); without it the worker keeps the
 * normal priority, and media is still off the main loop.
 */
function raisePriority(): void {
  try {
    setPriority(0, constants.priority.PRIORITY_HIGH);
  } catch {
    // Not allowed here: keep the default priority.
  }
}

if (parentPort) {
  raisePriority();
  serve(parentPort);
}
