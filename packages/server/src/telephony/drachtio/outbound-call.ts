import { randomBytes } from 'node:crypto';
import type { CallEnd, DialAnswered, DialFailure, DialOptions, OutboundCall } from '../backend.js';
import { EndOnce } from '../call-common/end-once.js';
import { answerProblem, type BoundPort, buildOffer, type RtpLogger, readAnswer } from '../media/index.js';
import { answerDialogRequests, relayDialogOffers } from './dialog-requests.js';
import { bindRtpengineLeg, type RtpengineLeg, startRtpengineLeg } from './rtpengine-leg.js';
import { RtpengineMedia } from './rtpengine-media.js';
import type { RtpengineNg } from './rtpengine-ng.js';
import { sdpAudioAddress } from './sdp-media-address.js';
import type { SrfSentRequest, SrfSipError, SrfUacDialog, SrfUacLike } from './srf-types.js';

export interface OutboundCallDeps {
  srf: SrfUacLike;
  ng: RtpengineNg;
  /** Our media plane's leg toward rtpengine, as for inbound media. */
  leg: RtpengineLeg;
  offerFlags?: Record<string, unknown>;
  recordingDir?: string;
  /** How often the answered call asks rtpengine whether it still has it; 0 or unset: never. */
  checkIntervalMs?: number;
  /** How long a CANCEL may wait for the INVITE's final response before we give up on it; default 4 s. */
  cancelGraceMs?: number;
  logger: RtpLogger;
}

type State = 'setup' | 'inviting' | 'answered' | 'ended';
type SipOutcome = { ok: true; dialog: SrfUacDialog } | DialFailure;

const REPLACE = ['origin', 'session-connection'];

/**
 * An outbound call through drachtio-server, its media anchored by rtpengine:
 *
 *   our RTP leg ⇄ rtpengine(port toward us) ⇄ rtpengine(port in the INVITE = `media.local`) ⇄ far end
 *
 * Our leg's PCMA/20 ms offer goes through rtpengine `offer` (our leg is the from-tag), and the SDP
 * rtpengine returns is what the INVITE carries. The far end's answer is checked (PCMA at 20 ms, else
 * BYE and 488), goes through rtpengine `answer`, and the address rtpengine returns is where our leg
 * sends. drachtio-server owns the SIP transactions (retransmissions, the ACK of a failure); the
 * digest challenge is answered once by drachtio-srf (`auth`).
 */
export class DrachtioOutboundCall implements OutboundCall {
  readonly callId: string;
  readonly outcome: Promise<DialAnswered | DialFailure>;
  readonly #o: DialOptions;
  readonly #deps: OutboundCallDeps;
  /** Our From tag, also our leg's tag in rtpengine. */
  readonly #tag = randomBytes(8).toString('hex');
  #state: State = 'setup';
  #req: SrfSentRequest | undefined;
  #dialog: SrfUacDialog | undefined;
  #cancel: 'hangup' | 'timeout' | undefined;
  #cancelSent = false;
  #onCancel: (() => void) | undefined;
  #provisional = false;
  readonly #progress: Array<(status: number) => void> = [];
  readonly #end: EndOnce;

  constructor(o: DialOptions, deps: OutboundCallDeps) {
    this.callId = o.callId;
    this.#o = o;
    this.#deps = deps;
    this.#end = new EndOnce((err) => deps.logger.warn({ err, callId: o.callId }, 'drachtio: onEnd listener threw'));
    this.outcome = this.#run().catch((err: unknown) => {
      deps.logger.warn({ err, callId: o.callId }, 'drachtio: outbound call failed');
      this.#state = 'ended';
      return { ok: false, status: 500, reason: err instanceof Error ? err.message : String(err), local: true } satisfies DialFailure;
    });
  }

  onProgress(listener: (status: number) => void): void {
    this.#progress.push(listener);
  }

  onEnd(listener: (end: CallEnd) => void): void {
    // A far-end BYE can beat the listener (it may come while the answer is being set up): EndOnce still tells it.
    this.#end.listen(listener);
  }

  async hangup(): Promise<void> {
    if (this.#state === 'ended') return;
    if (this.#state === 'answered' && this.#dialog) {
      this.#state = 'ended';
      await bye(this.#dialog, this.#deps.logger, this.callId);
      return;
    }
    this.#requestCancel('hangup');
    await this.outcome;
  }

  async #run(): Promise<DialAnswered | DialFailure> {
    const { ng, leg, logger } = this.#deps;
    const o = this.#o;
    let bound: BoundPort;
    try {
      bound = await bindRtpengineLeg(leg, logger);
    } catch (err) {
      logger.warn({ err, callId: o.callId }, 'drachtio: no free RTP port for an outbound call');
      return this.#fail({ ok: false, status: 503, reason: 'no free RTP port', local: true, cause: 'no_media_port' });
    }
    const rtpengineCall = { 'call-id': o.callId, 'from-tag': this.#tag };
    let media: RtpengineMedia | undefined;
    const release = async () => {
      if (media) return media.close();
      await bound.close();
      await ng.command('delete', rtpengineCall).catch(() => {});
    };

    const ourOffer = buildOffer({ address: leg.advertisedAddress ?? leg.bindAddress, port: bound.port });
    let offerSdp: string | undefined;
    try {
      if (!this.#cancel)
        offerSdp = (await ng.command('offer', { ...rtpengineCall, sdp: ourOffer, replace: REPLACE, ICE: 'remove', ...this.#deps.offerFlags })).sdp;
    } catch (err) {
      logger.warn({ err, callId: o.callId }, 'drachtio: rtpengine refused the outbound offer');
    }
    const towardFar = offerSdp ? sdpAudioAddress(offerSdp) : undefined;
    if (this.#cancel || !offerSdp || !towardFar) {
      await release();
      return this.#fail(
        this.#cancel ? this.#cancelFailure() : { ok: false, status: 503, reason: 'media relay unavailable', local: true, cause: 'media_relay' },
      );
    }

    const sip = await this.#invite(offerSdp);
    if (!sip.ok) {
      await release();
      return this.#fail(sip);
    }
    const dialog = sip.dialog;
    this.#dialog = dialog;
    dialog.on('destroy', () => {
      if (this.#state === 'ended') return;
      this.#state = 'ended';
      this.#fireEnd({ by: 'callee', cause: 'normal' });
    });
    answerDialogRequests(dialog);
    const farSdp = dialog.remote.sdp ?? '';
    const answer = readAnswer(farSdp);
    let failure: DialFailure | undefined;
    if (this.#cancel) failure = this.#cancelFailure();
    else if (!answer.ok) {
      // The far end answered without PCMA at 20 ms: we cannot talk, so end it at once.
      logger.warn({ callId: o.callId, reason: answer.reason }, 'drachtio: unacceptable SDP answer');
      failure = { ok: false, status: 488, reason: answerProblem(answer), local: true, cause: 'unacceptable_answer' };
    } else {
      try {
        const res = await ng.command('answer', { ...rtpengineCall, 'to-tag': farTagOf(dialog), sdp: farSdp, replace: REPLACE, ICE: 'remove' });
        const towardUs = res.sdp ? sdpAudioAddress(res.sdp) : undefined;
        if (!towardUs) throw new Error('rtpengine answer returned no audio address');
        const rtp = startRtpengineLeg(leg, bound, towardUs, answer.dtmfPayloadType);
        media = new RtpengineMedia(
          {
            ng,
            callId: o.callId,
            offerTag: this.#tag,
            farTag: farTagOf(dialog),
            ...(this.#deps.recordingDir ? { recordingDir: this.#deps.recordingDir } : {}),
            ...(this.#deps.checkIntervalMs ? { checkIntervalMs: this.#deps.checkIntervalMs } : {}),
            reoffer: { ourTag: this.#tag, ...(answer.dtmfPayloadType !== undefined ? { dtmfPayloadType: answer.dtmfPayloadType } : {}) },
            logger,
          },
          rtp,
          towardFar,
        );
        // The callee's re-INVITEs (hold, resume) go to rtpengine too, which answers them.
        const anchored = media;
        let ourSdp = offerSdp;
        relayDialogOffers(dialog, {
          relay: () => (offer) => anchored.reoffer(offer),
          localSdp: () => ourSdp,
          answered: (sdp) => {
            ourSdp = sdp;
          },
          warn: (obj, msg) => logger.warn({ ...obj, callId: o.callId }, msg),
        });
      } catch (err) {
        logger.warn({ err, callId: o.callId }, 'drachtio: rtpengine refused the outbound answer');
        failure = { ok: false, status: 500, reason: 'media relay failed', local: true, cause: 'media_relay' };
      }
      // hangup() may have come while rtpengine answered.
      if (this.#cancel) failure ??= this.#cancelFailure();
    }
    if (failure) {
      if (this.#state !== 'ended') {
        this.#state = 'ended';
        await bye(dialog, logger, o.callId);
      }
      await release();
      return failure;
    }
    if (this.#state === 'inviting') this.#state = 'answered';
    // The callee's hold and resume as rtpengine answered them: the caller hears hold music meanwhile.
    return { ok: true, media: media!, hold: media!.hold };
  }

  /** Sends the INVITE; settles with the dialog or the final failure (ours for a ring timeout or hangup). */
  #invite(sdp: string): Promise<SipOutcome> {
    const { srf, logger } = this.#deps;
    const o = this.#o;
    this.#state = 'inviting';
    return new Promise<SipOutcome>((resolve) => {
      let settled = false;
      let grace: NodeJS.Timeout | undefined;
      const ring = o.ringTimeoutMs > 0 ? setTimeout(() => this.#requestCancel('timeout'), o.ringTimeoutMs) : undefined;
      const settle = (r: SipOutcome) => {
        if (settled) return;
        settled = true;
        this.#onCancel = undefined;
        clearTimeout(ring);
        clearTimeout(grace);
        resolve(r);
      };
      this.#onCancel = () => {
        this.#sendCancel();
        // A far end that ignores the CANCEL must not hold the call open; a late 200 is ended below.
        grace ??= setTimeout(() => settle(this.#cancelFailure()), this.#deps.cancelGraceMs ?? 4000);
      };
      const onAnswer = (dialog: SrfUacDialog) => {
        if (!settled) return settle({ ok: true, dialog });
        logger.warn({ callId: o.callId }, 'drachtio: answer after we gave up; sending BYE');
        void bye(dialog, logger, o.callId);
      };
      const onFailure = (err: SrfSipError) => {
        if (typeof err.status !== 'number') {
          logger.warn({ err, callId: o.callId }, 'drachtio: INVITE could not be sent');
          return settle({ ok: false, status: 503, reason: err.message, local: true, cause: 'send_failed' });
        }
        if (this.#cancel && (err.status === 487 || err.status === 408)) return settle(this.#cancelFailure());
        // 408 without any provisional is drachtio-server's own transaction timeout: nothing answered.
        const local = err.status === 408 && !this.#provisional;
        settle({
          ok: false,
          status: err.status,
          reason: err.reason ?? (local ? 'no response to the INVITE' : ''),
          local,
          ...(local ? { cause: 'no_response' as const } : {}),
        });
      };
      try {
        srf
          .createUAC(
            o.requestUri,
            {
              localSdp: sdp,
              proxy: `sip:${o.destination.address}:${o.destination.port}`,
              // drachtio-server keeps a given Call-ID and From tag, and puts its own address for localhost.
              headers: { 'Call-ID': o.callId, From: `<sip:${o.fromUser}@localhost>;tag=${this.#tag}`, 'Content-Type': 'application/sdp' },
              ...(o.credentials ? { auth: { username: o.credentials.username, password: o.credentials.password } } : {}),
            },
            {
              cbRequest: (err, req) => {
                if (err) return;
                this.#req = req;
                if (this.#cancel) this.#sendCancel();
              },
              cbProvisional: (res) => {
                if (res.status <= 100 || res.status >= 200) return;
                this.#provisional = true;
                for (const l of this.#progress) l(res.status);
              },
            },
          )
          .then(onAnswer, onFailure);
      } catch (err) {
        onFailure(err as SrfSipError);
      }
      if (this.#cancel) this.#onCancel();
    });
  }

  #requestCancel(why: 'hangup' | 'timeout'): void {
    if (this.#cancel) return;
    this.#cancel = why;
    this.#onCancel?.();
  }

  #sendCancel(): void {
    const req = this.#req;
    if (!req || this.#cancelSent) return;
    this.#cancelSent = true;
    req.cancel((err) => {
      if (err) this.#deps.logger.warn({ err, callId: this.callId }, 'drachtio: CANCEL failed');
    });
  }

  #cancelFailure(): DialFailure {
    return this.#cancel === 'timeout'
      ? { ok: false, status: 408, reason: 'no answer before the ring timeout', local: true, cause: 'ring_timeout' }
      : { ok: false, status: 487, reason: 'cancelled', local: true, cause: 'canceled' };
  }

  #fail(failure: DialFailure): DialFailure {
    this.#state = 'ended';
    return failure;
  }

  #fireEnd(end: CallEnd): void {
    this.#end.fire(end);
  }
}

/** rtpengine's name for the far end: its To tag (a 2xx always has one; the fallback only keeps rtpengine consistent). */
function farTagOf(dialog: SrfUacDialog): string {
  return dialog.sip.remoteTag || `far-${dialog.sip.callId}`;
}

function bye(dialog: SrfUacDialog, logger: RtpLogger, callId: string): Promise<void> {
  return new Promise<void>((resolve) =>
    dialog.destroy({}, (err) => {
      if (err) logger.warn({ err, callId }, 'drachtio: BYE failed');
      resolve();
    }),
  );
}
