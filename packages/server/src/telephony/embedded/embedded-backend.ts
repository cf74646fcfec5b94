import type { Clock } from '../../clock.js';
import type { SourceGuard } from '../source-guard.js';
import type { CallEnd, DialAnswered, DialFailure, DialOptions, OutboundCall, TelephonyBackend } from '../backend.js';
import { answerOffer } from '../media/answer-offer.js';
import { answerProblem, buildOffer, openRtpSession, type RtpPorts, RtpSession, readAnswer } from '../media/index.js';
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
  const openMedia: TelephonyBackend['openMedia'] = async (remote) =>
    openRtpSession({
      bindAddress: opts.host,
      ports: opts.rtpPorts,
      portRange: opts.rtpPortRange,
      remote: { address: remote.address, port: remote.port },
      ...(remote.dtmfPayloadType !== undefined ? { dtmfPayloadType: remote.dtmfPayloadType } : {}),
    });
  return {
    sip,
    start: () => sip.start(),
    stop: () => sip.stop(),
    onInvite: (handler) => sip.onInvite((call) => handler(call, answerOffer(call, openMedia))),
    openMedia,
    dial: (o) => dialEmbedded(sip, opts, o),
    serveRegistrations: (directory, policy) => sip.serveRegistrations(directory, policy),
  };
}

/**
 * An outbound call on the embedded stack: an even RTP port first (its number goes into the offer),
 * then the INVITE; on the answer the far end's SDP is checked (PCMA 8 at 20 ms, else BYE and a 488
 * failure) and the RTP session starts on the port the offer named.
 */
function dialEmbedded(sip: EmbeddedSip, opts: EmbeddedBackendOptions, o: DialOptions): OutboundCall {
  const progress: Array<(status: number) => void> = [];
  const ends: Array<(end: CallEnd) => void> = [];
  let uac: ReturnType<EmbeddedSip['dial']> | undefined;
  let hangupWanted = false;
  const outcome = (async (): Promise<DialAnswered | DialFailure> => {
    let bound: Awaited<ReturnType<RtpPorts['bind']>>;
    try {
      bound = await opts.rtpPorts.bind(opts.host, opts.rtpPortRange);
    } catch (err) {
      opts.logger.warn({ err, callId: o.callId }, 'outbound call: no free RTP port');
      return { ok: false, status: 503, reason: 'no free RTP port', local: true, cause: 'no_media_port' };
    }
    const closePort = () => new Promise<void>((resolve) => bound.socket.close(() => resolve())).finally(() => opts.rtpPorts.release(opts.host, bound.port));
    if (hangupWanted) {
      await closePort();
      return { ok: false, status: 487, reason: 'cancelled', local: true, cause: 'canceled' };
    }
    const call = sip.dial({ ...o, sdp: buildOffer({ address: opts.host, port: bound.port }) });
    uac = call;
    call.onProgress((status) => {
      for (const l of progress) l(status);
    });
    call.onEnd((end) => {
      for (const l of ends) l(end);
    });
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
    const media = new RtpSession(bound.socket, bound.port, {
      bindAddress: opts.host,
      ports: opts.rtpPorts,
      remote: answer.remote,
      ...(answer.dtmfPayloadType !== undefined ? { dtmfPayloadType: answer.dtmfPayloadType } : {}),
      logger: opts.logger,
    });
    return { ok: true, media };
  })();
  return {
    callId: o.callId,
    outcome,
    onProgress: (l) => void progress.push(l),
    onEnd: (l) => void ends.push(l),
    async hangup() {
      hangupWanted = true;
      if (uac) await uac.hangup();
      else await outcome;
    },
  };
}
