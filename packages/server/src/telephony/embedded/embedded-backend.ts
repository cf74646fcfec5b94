import type { Clock } from '../../clock.js';
import type { SourceGuard } from '../source-guard.js';
import type { CallEnd, DialAnswered, DialFailure, DialOptions, OutboundCall, TelephonyBackend, TransferHandler } from '../backend.js';
import { answerOffer } from '../media/answer-offer.js';
import { type BoundPort, bindInProcess } from '../media/bound-port.js';
import { answerProblem, buildOffer, type RtpPorts, readAnswer } from '../media/index.js';
import { MediaWorkerPool } from '../media/worker/media-pool.js';
import { followReoffers, newOrigin } from '../media/reoffer.js';
import { EmbeddedSip, type SipLogger } from '../sip/index.js';

export interface EmbeddedBackendOptions {
  host: string;
  sipPort: number;
  /** The address and port to advertise in Contact and Via (PROLOPE_SIP_PUBLIC_HOST/PORT); default: the bound ones. */
  publicHost?: string;
  publicPort?: number;
  rtpPortRange: [number, number];
  /** The server's RTP port set (its CallRuntime's). */
  rtpPorts: RtpPorts;
  clock: Clock;
  logger: SipLogger & { info(obj: unknown, msg?: string): void };
  /** Failed-authentication throttling (banned sources are dropped unread). */
  guard?: SourceGuard;
  /**
   * Worker threads for the calls' RTP (PROLOPE_MEDIA_WORKERS); 0 or absent: media on the main event
   * loop, as before the workers. Started with the backend, ended by stop().
   */
  mediaWorkers?: number;
}

/**
 * The default backend: SIP signalling and RTP media in this process, so real calls work on a fresh
 * machine with no other service. drachtio plus rtpengine implement the same interface in production.
 */
export function createEmbeddedBackend(opts: EmbeddedBackendOptions): TelephonyBackend & { sip: EmbeddedSip; dial(o: DialOptions): OutboundCall } {
  const sip = new EmbeddedSip({
    host: opts.host,
    port: opts.sipPort,
    ...(opts.publicHost ? { publicAddress: opts.publicHost } : {}),
    ...(opts.publicPort ? { publicPort: opts.publicPort } : {}),
    clock: opts.clock,
    logger: opts.logger,
    ...(opts.guard ? { guard: opts.guard } : {}),
  });
  let pool: MediaWorkerPool | undefined;
  const bindMedia = (): Promise<BoundPort> => {
    const workers = opts.mediaWorkers ?? 0;
    if (workers > 0) {
      pool ??= new MediaWorkerPool({ size: workers, logger: opts.logger });
      return pool.bind(opts.rtpPorts, opts.host, opts.rtpPortRange);
    }
    return bindInProcess(opts.rtpPorts, opts.host, opts.rtpPortRange, opts.logger);
  };
  const openMedia: TelephonyBackend['openMedia'] = async (remote) =>
    (await bindMedia()).start({
      remote: { address: remote.address, port: remote.port },
      ...(remote.dtmfPayloadType !== undefined ? { dtmfPayloadType: remote.dtmfPayloadType } : {}),
    });
  return {
    sip,
    async start() {
      // The media workers are up before SIP listens, so no call waits for them to load.
      if ((opts.mediaWorkers ?? 0) > 0) {
        pool ??= new MediaWorkerPool({ size: opts.mediaWorkers ?? 0, logger: opts.logger });
        try {
          await pool.ready();
        } catch (err) {
          const failed = pool;
          pool = undefined;
          await failed.terminate();
          throw err;
        }
      }
      return sip.start();
    },
    async stop() {
      await sip.stop();
      const ending = pool;
      pool = undefined;
      await ending?.terminate();
    },
    onInvite: (handler) => sip.onInvite((call) => handler(call, answerOffer(call, openMedia))),
    openMedia,
    dial: (o) => dialEmbedded(sip, opts, bindMedia, o),
    serveRegistrations: (directory, policy) => sip.serveRegistrations(directory, policy),
    serveMessageSummary: (directory, policy, source) => sip.serveMessageSummary(directory, policy, source),
    refreshMessageSummaries: (domain) => sip.refreshMessageSummaries(domain),
  };
}

/**
 * An outbound call on the embedded stack: an even RTP port first (its number goes into the offer),
 * then the INVITE; on the answer the far end's SDP is checked (PCMA 8 at 20 ms, else BYE and a 488
 * failure) and the RTP session starts on the port the offer named.
 */
function dialEmbedded(sip: EmbeddedSip, opts: EmbeddedBackendOptions, bindMedia: () => Promise<BoundPort>, o: DialOptions): OutboundCall {
  const progress: Array<(status: number) => void> = [];
  const ends: Array<(end: CallEnd) => void> = [];
  let uac: ReturnType<EmbeddedSip['dial']> | undefined;
  let hangupWanted = false;
  let transfer: TransferHandler | undefined;
  const outcome = (async (): Promise<DialAnswered | DialFailure> => {
    let bound: BoundPort;
    try {
      bound = await bindMedia();
    } catch (err) {
      opts.logger.warn({ err, callId: o.callId }, 'outbound call: no free RTP port');
      return { ok: false, status: 503, reason: 'no free RTP port', local: true, cause: 'no_media_port' };
    }
    const closePort = () => bound.close();
    if (hangupWanted) {
      await closePort();
      return { ok: false, status: 487, reason: 'cancelled', local: true, cause: 'canceled' };
    }
    const origin = newOrigin();
    const call = sip.dial({ ...o, sdp: buildOffer({ address: opts.host, port: bound.port }, origin.sessionId, origin.version) });
    uac = call;
    if (transfer) call.onTransfer(transfer);
    call.onProgress((status) => {
      for (const l of progress) l(status);
    });
    // The UAC's end is told to late listeners too: a BYE right after the answer reaches a bridge set up later.
    for (const l of ends) call.onEnd(l);
    const result = await call.outcome;
    if (!result.ok) {
      await closePort();
      return result;
    }
    const answer = readAnswer(result.sdp ?? '');
    if (!answer.ok) {
      // The far end answered without PCMA at 20 ms: we cannot talk, so end it at once.
      opts.logger.warn({ callId: o.callId, reason: answer.reason }, 'outbound call: unacceptable SDP answer');
      await call.hangup();
      await closePort();
      return { ok: false, status: 488, reason: answerProblem(answer), local: true, cause: 'unacceptable_answer' };
    }
    const media = bound.start({
      remote: answer.remote,
      ...(answer.dtmfPayloadType !== undefined ? { dtmfPayloadType: answer.dtmfPayloadType } : {}),
    });
    // The callee's re-INVITEs (hold, resume, moved media) are answered from here on.
    const hold = followReoffers(call, media, origin);
    return { ok: true, media, ...(hold ? { hold } : {}) };
  })();
  return {
    callId: o.callId,
    outcome,
    onProgress: (l) => void progress.push(l),
    onEnd(l) {
      if (uac) uac.onEnd(l);
      else ends.push(l);
    },
    onTransfer(handler) {
      transfer = handler;
      uac?.onTransfer(handler);
    },
    async hangup() {
      hangupWanted = true;
      if (uac) await uac.hangup();
      else await outcome;
    },
  };
}
