import { ALLOW } from '../sip/responses.js';
import type { SrfDialog, SrfRequest, SrfResponse } from './srf-types.js';

/**
 * Requests inside a call's dialog that drachtio-srf's Dialog would answer wrongly on its own. It answers
 * BYE (ending the dialog), INFO, UPDATE and OPTIONS 200 itself, and a re-INVITE 200 with our last SDP;
 * a REFER it would accept (200) though nothing transfers the call, leaving the PBX waiting for it. 501,
 * as the embedded endpoint answers it where no transfer is served.
 *
 * TODO(issue 17): blind transfer on drachtio (202, NOTIFY sipfrag, a new leg), as the embedded backend's
 * UacCall does for calls between SIP users (telephony/sip/uac-call.ts, calls/leg-transfer.ts); users do
 * not register on drachtio yet, so no such call exists here.
 */
export function answerDialogRequests(dialog: SrfDialog): void {
  dialog.on('refer', (_req, res) => res.send(501, undefined, { headers: { Allow: ALLOW } }, () => {}));
}

/** Where a dialog's new offers go, and what answers an offerless re-INVITE. */
export interface OfferRelay {
  /** The media relay's answer to an offer (rtpengine, see RtpengineMedia.reoffer); unset while no media is open. */
  relay(): ((offer: string) => Promise<string>) | undefined;
  /** Our SDP as last sent: the offer of our 200 to a re-INVITE without SDP (RFC 3261 §14.2). */
  localSdp(): string;
  /** Remembers what our 200 carried. */
  answered(sdp: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * A re-INVITE (hold, resume, a new address): the media relay answers it, so media follows the SDP.
 * With a 'modify' listener drachtio-srf leaves every non-refresh re-INVITE to us; without one it would
 * answer 200 with our old SDP and the relay would never hear of the new offer.
 */
export function relayDialogOffers(dialog: SrfDialog, offers: OfferRelay): void {
  dialog.on('modify', (req, res) => void modify(req, res, offers));
  // An UPDATE may carry a new offer too (RFC 3311: hold or a new address, also before the answer).
  // Left to drachtio-srf it is answered 200 with our old SDP and rtpengine never hears of it; one
  // without SDP (a session refresh) gets a bare 200, as drachtio-srf gives it.
  dialog.on('update', (req, res) => {
    if (req.body) void modify(req, res, offers);
    else
      res.send(200, undefined, {}, (err) => {
        if (err) offers.warn({ err }, 'drachtio: UPDATE answer failed');
      });
  });
}

async function modify(req: SrfRequest, res: SrfResponse, offers: OfferRelay): Promise<void> {
  const reply = (status: number, opts: { headers?: Record<string, string>; body?: string }) =>
    res.send(status, undefined, opts, (err) => {
      if (err) offers.warn({ err }, 'drachtio: the answer to a mid-call offer failed');
    });
  const relay = offers.relay();
  if (!req.body || !relay) {
    reply(200, { headers: { 'Content-Type': 'application/sdp' }, body: offers.localSdp() });
    return;
  }
  try {
    const sdp = await relay(req.body);
    offers.answered(sdp);
    reply(200, { headers: { 'Content-Type': 'application/sdp' }, body: sdp });
  } catch (err) {
    // The relay refused or did not answer: the old session stands (§14.2), so the call goes on.
    offers.warn({ err }, 'drachtio: a mid-call offer not taken by the media relay');
    reply(488, {});
  }
}
