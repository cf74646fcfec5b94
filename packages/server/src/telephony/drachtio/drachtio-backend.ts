import type { EventEmitter } from 'node:events';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import Srf from 'drachtio-srf';
import type { DialOptions, InboundOffer, MediaSession, OutboundCall, SipInboundCall, TelephonyBackend } from '../backend.js';
import { NonceIssuer } from '../sip/digest-auth.js';
import { awaitingFinal } from '../call-common/index.js';
import { answerOffer, type DelayedMedia } from '../media/answer-offer.js';
import type { RtpPorts } from '../media/udp-port.js';
import { MediaWorkerPool } from '../media/worker/media-pool.js';
import type { SourceGuard } from '../source-guard.js';
import { DEFAULT_REALM, DrachtioInboundCall } from './inbound-call.js';
import { DrachtioOutboundCall } from './outbound-call.js';
import { answerRequestsOutsideDialog, type SrfMethodRouter } from './requests-outside-dialog.js';
import { openRtpengineDelayedOffer } from './rtpengine-delayed-offer.js';
import { openRtpengineMedia, type RtpengineMedia } from './rtpengine-media.js';
import type { RtpengineLeg } from './rtpengine-leg.js';
import { RtpengineNg } from './rtpengine-ng.js';
import { withRelayHold } from './relay-hold.js';
import type { SrfLike, SrfRequest, SrfResponse, SrfUacLike } from './srf-types.js';

/**
 * The production backend: SIP through drachtio-server (we are a drachtio-srf app connected to it
 * over its TCP control protocol) and media anchored by rtpengine (ng protocol). Same interface as
 * the embedded backend, so the calls domain cannot tell them apart.
 */
export interface DrachtioBackendOptions {
  drachtio: { host: string; port: number; secret: string };
  /** checkIntervalMs: how often each call asks rtpengine whether it still has it (rtpengine-watch.ts); default 5 s, 0 never. */
  rtpengine: { host: string; port: number; timeoutMs?: number; offerFlags?: Record<string, unknown>; checkIntervalMs?: number };
  /** Realm of our digest challenges; stored HA1s use SIP_REALM, so change it only together with them. */
  realm?: string;
  /** The server's RTP port set (its CallRuntime's): our legs toward rtpengine take their ports from it. */
  rtpPorts: RtpPorts;
  /**
   * Our media plane behind rtpengine (see rtpengine-media.ts): each call's session answers rtpengine's
   * rewritten offer, so rtpengine must reach bindAddress/advertisedAddress.
   */
  media?: {
    bindAddress?: string;
    advertisedAddress?: string;
    portRange?: readonly [number, number];
    rtpTimeoutMs?: number;
    /**
     * Worker threads for the calls' RTP (PROLOPE_MEDIA_WORKERS), as on the embedded backend: prompts are
     * paced to 20 ms there whatever the main thread does. 0 or unset: media on the main event loop.
     */
    workers?: number;
    /**
     * rtpengine's `--recording-dir` (started with `--recording-method=pcap`): recordings are then made
     * by rtpengine and read back from its pcap files, so this process must see the same path. Unset,
     * our RTP leg records in-process.
     */
    recordingDir?: string;
  };
  /** How long answer() waits for the ACK; default 32 s (64·T1). */
  ackTimeoutMs?: number;
  /** How long start() waits for drachtio-server to accept us; default 5 s. */
  connectTimeoutMs?: number;
  /** Failed-authentication throttling: INVITEs from a banned source get 403 before any lookup. */
  guard?: SourceGuard;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/** What rtpengine needs of the INVITE whose media it anchors. */
interface PendingCall {
  callId: string;
  fromTag: string;
  sdp: string;
}

export type DrachtioBackend = Omit<TelephonyBackend, 'onInvite'> & {
  /** As TelephonyBackend's, but the handler may also see the INVITE as SIP (its SDP; the adapter's tests do). */
  onInvite(handler: (call: SipInboundCall, offer: InboundOffer) => Promise<void>): void;
  /** Places an outbound call through drachtio-server, media anchored by rtpengine (outbound-call.ts). */
  dial(opts: DialOptions): OutboundCall;
};

export function createDrachtioBackend(opts: DrachtioBackendOptions): DrachtioBackend {
  const log = opts.logger;
  const srf = new Srf();
  // Its typings overload on() per event and miss some (reconnecting); listen through EventEmitter.
  const events = srf as unknown as EventEmitter;
  const nonces = new NonceIssuer();
  const realm = opts.realm ?? DEFAULT_REALM;
  const ng = new RtpengineNg(opts.rtpengine);
  let handler: ((call: SipInboundCall, offer: InboundOffer) => Promise<void>) | undefined;
  let connected = false;
  // The media workers, as the embedded backend's: started by start(), or by the first call's leg.
  const workers = opts.media?.workers ?? 0;
  let pool: MediaWorkerPool | undefined;
  const mediaPool = (): MediaWorkerPool | undefined => {
    if (workers > 0 && !pool) pool = new MediaWorkerPool({ size: workers, logger: log });
    return pool;
  };
  const leg = (): RtpengineLeg => legOf(opts.media, opts.rtpPorts, mediaPool());

  // Srf is an EventEmitter: an 'error' nobody listens to would throw. Connection drops after start()
  // are retried by drachtio-srf itself; we only log them.
  events.on('error', (err: Error) => {
    if (connected) log.warn({ err }, 'drachtio: connection error');
  });
  events.on('reconnecting', (info: unknown) => log.warn({ info }, 'drachtio: reconnecting'));

  srf.invite((req: unknown, res: unknown) => {
    const request = req as SrfRequest;
    const response = res as SrfResponse;
    // drachtio-server owns the transaction (it has sent 100 and will resend what we answer), so a banned
    // source cannot be met with silence here; 403 before any lookup is the cheapest answer left.
    if (opts.guard?.isBanned(request.source_address)) {
      response.send(403, 'Forbidden', {}, () => {});
      return;
    }
    let call: DrachtioInboundCall;
    try {
      call = new DrachtioInboundCall(request, response, {
        srf: srf as unknown as SrfLike,
        nonces,
        realm,
        ackTimeoutMs: opts.ackTimeoutMs ?? 32_000,
        authFailed: (address) => void opts.guard?.recordFailure(address),
        warn: (obj, msg) => log.warn(obj, msg),
      });
    } catch (err) {
      log.warn({ err }, 'drachtio: malformed INVITE');
      response.send(400, undefined, {}, () => {});
      return;
    }
    if (!handler) {
      response.send(503, undefined, {}, () => {});
      return;
    }
    // The offer opens media for this INVITE and no other: rtpengine's call is named by its Call-ID and
    // From tag. Never by the address its SDP offers, which PBXs behind one NAT share.
    const sdp = call.sdp;
    const open: TelephonyBackend['openMedia'] = async (remote) => {
      if (!sdp) throw new Error('the INVITE has no SDP offer');
      const media = await openInviteMedia({ callId: call.callId, fromTag: call.fromTag, sdp }, remote);
      // Offers later in the dialog (hold, resume) go to rtpengine too, which answers them.
      call.relayOffers((offer) => media.reoffer(offer));
      return media;
    };
    // No SDP in the INVITE (delayed offer): rtpengine relays our offer, and the ACK's answer.
    const openDelayed = () => openDelayedInviteMedia({ callId: call.callId, fromTag: call.fromTag });
    handler(call, withRelayHold(answerOffer(call, open, openDelayed))).catch(async (err) => {
      log.error({ err, callId: call.callId }, 'drachtio: INVITE handler failed');
      if (awaitingFinal(call.state)) await call.reject(500).catch(() => {});
    });
  });

  answerRequestsOutsideDialog(srf as unknown as SrfMethodRouter, { isBanned: (address) => opts.guard?.isBanned(address) ?? false });

  const backend: DrachtioBackend = {
    async start(): Promise<{ sipPort: number }> {
      // The media workers are up before calls come, so no call waits for them to load.
      const starting = mediaPool();
      if (starting) {
        try {
          await starting.ready();
        } catch (err) {
          pool = undefined;
          await starting.terminate();
          throw err;
        }
      }
      const recordingDir = opts.media?.recordingDir;
      // rtpengine creates pcaps/ in its --recording-dir at start-up; missing, every recording would come back empty.
      if (recordingDir) {
        void access(join(recordingDir, 'pcaps')).catch(() =>
          log.warn({ recordingDir }, 'rtpengine recording dir has no pcaps/: is rtpengine started with --recording-dir there and --recording-method=pcap?'),
        );
      }
      return new Promise((resolve, reject) => {
        const timeoutMs = opts.connectTimeoutMs ?? 5000;
        let settled = false;
        const fail = (why: string) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          events.removeListener('connect', onConnect);
          events.removeListener('error', onError);
          // Stop drachtio-srf's reconnect loop; it throws when no socket ever connected.
          try {
            srf.disconnect();
          } catch {}
          reject(new Error(`cannot connect to drachtio-server at ${opts.drachtio.host}:${opts.drachtio.port}: ${why}`));
        };
        const onConnect = (err: Error | null, hostport: string) => {
          if (err) return fail(err.message);
          if (settled) return;
          settled = true;
          connected = true;
          clearTimeout(timer);
          events.removeListener('error', onError);
          log.info({ hostport }, 'drachtio: connected');
          resolve({ sipPort: sipPortOf(hostport) });
        };
        const onError = (err: Error) => fail(err.message);
        const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
        events.on('connect', onConnect);
        events.on('error', onError);
        srf.connect({ host: opts.drachtio.host, port: opts.drachtio.port, secret: opts.drachtio.secret });
      });
    },

    async stop(): Promise<void> {
      if (connected) {
        connected = false;
        try {
          srf.disconnect();
        } catch {}
      }
      ng.close();
      const ending = pool;
      pool = undefined;
      await ending?.terminate();
    },

    dial(o: DialOptions): OutboundCall {
      return new DrachtioOutboundCall(o, {
        srf: srf as unknown as SrfUacLike,
        ng,
        leg: leg(),
        ...(opts.rtpengine.offerFlags ? { offerFlags: opts.rtpengine.offerFlags } : {}),
        ...(opts.media?.recordingDir ? { recordingDir: opts.media.recordingDir } : {}),
        checkIntervalMs: checkIntervalMs(opts.rtpengine),
        logger: log,
      });
    },

    onInvite(h) {
      handler = h;
    },

    async openMedia(remote: { address: string; port: number }): Promise<MediaSession> {
      throw new Error(`drachtio: media is opened through its INVITE (InboundOffer.open), never by the address ${remote.address}:${remote.port} an SDP offers`);
    },
  };

  function openDelayedInviteMedia(pending: Omit<PendingCall, 'sdp'>): Promise<DelayedMedia> {
    const media = opts.media ?? {};
    return openRtpengineDelayedOffer({
      ng,
      callId: pending.callId,
      fromTag: pending.fromTag,
      leg: leg(),
      ...(opts.rtpengine.offerFlags ? { offerFlags: opts.rtpengine.offerFlags } : {}),
      ...(media.recordingDir ? { recordingDir: media.recordingDir } : {}),
      checkIntervalMs: checkIntervalMs(opts.rtpengine),
      logger: log,
    });
  }

  /** rtpengine anchors the INVITE's offer, named by its Call-ID and From tag; our leg answers it. */
  function openInviteMedia(pending: PendingCall, remote: { dtmfPayloadType?: number }): Promise<RtpengineMedia> {
    const media = opts.media ?? {};
    return openRtpengineMedia({
      ng,
      callId: pending.callId,
      fromTag: pending.fromTag,
      offerSdp: pending.sdp,
      ...(remote.dtmfPayloadType !== undefined ? { dtmfPayloadType: remote.dtmfPayloadType } : {}),
      leg: leg(),
      ...(opts.rtpengine.offerFlags ? { offerFlags: opts.rtpengine.offerFlags } : {}),
      ...(media.recordingDir ? { recordingDir: media.recordingDir } : {}),
      checkIntervalMs: checkIntervalMs(opts.rtpengine),
      logger: log,
    });
  }
  return backend;
}

const DEFAULT_CHECK_INTERVAL_MS = 5000;

function checkIntervalMs(rtpengine: DrachtioBackendOptions['rtpengine']): number {
  return rtpengine.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
}

/** Our media plane's leg toward rtpengine, the same for inbound and outbound calls. */
function legOf(media: DrachtioBackendOptions['media'], ports: RtpPorts, pool: MediaWorkerPool | undefined): RtpengineLeg {
  const m = media ?? {};
  return {
    ...(pool ? { pool } : {}),
    bindAddress: m.bindAddress ?? '127.0.0.1',
    ports,
    ...(m.advertisedAddress ? { advertisedAddress: m.advertisedAddress } : {}),
    ...(m.portRange ? { portRange: m.portRange } : {}),
    ...(m.rtpTimeoutMs !== undefined ? { rtpTimeoutMs: m.rtpTimeoutMs } : {}),
  };
}

/** drachtio-server reports where it listens as e.g. `udp/10.0.0.5:5060,tcp/10.0.0.5:5060`. */
export function sipPortOf(hostport: string | undefined): number {
  const m = /:(\d+)(?:,|$)/.exec(hostport ?? '');
  return m ? Number(m[1]) : 0;
}
