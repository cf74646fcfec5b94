import { ALLOW } from '../sip/responses.js';
import type { SrfRequest, SrfResponse } from './srf-types.js';

/**
 * drachtio-server hands a request outside a dialog only to an app that registered its method
 * (`route|<method>`), and answers every other one itself with 503 ("No connected clients found to
 * handle incoming <method> request", checked against v0.9.10). Registering only INVITE therefore
 * turned every PBX's OPTIONS keep-alive into 503, and some PBXs then mark the trunk down. These are the
 * methods drachtio-server routes that way besides INVITE; we answer them as the embedded endpoint does.
 * BYE, UPDATE and CANCEL outside a dialog get 481 from drachtio-server itself; in a dialog, BYE, INFO,
 * UPDATE and re-INVITE go to drachtio-srf's Dialog (inbound-call.ts).
 */
export const ROUTED_OUTSIDE_DIALOG = ['options', 'register', 'message', 'info', 'notify', 'subscribe', 'publish'] as const;

type Handler = (req: SrfRequest, res: SrfResponse) => void;
export type SrfMethodRouter = Record<(typeof ROUTED_OUTSIDE_DIALOG)[number], (handler: Handler) => void>;

export function answerRequestsOutsideDialog(srf: SrfMethodRouter, opts: { isBanned?(address: string): boolean }): void {
  const send = (res: SrfResponse, status: number, headers: Record<string, string>) => res.send(status, undefined, { headers }, () => {});
  for (const method of ROUTED_OUTSIDE_DIALOG) {
    srf[method]((req, res) => {
      // The same refusal a banned source's INVITE gets; a keep-alive must not tell it the server is fine.
      if (opts.isBanned?.(req.source_address)) return send(res, 403, {});
      if (method === 'options') return send(res, 200, { Allow: ALLOW, Accept: 'application/sdp' });
      // We take no registrations, messages or subscriptions: trunks are IP allowlists with digest.
      send(res, 405, { Allow: ALLOW });
    });
  }
}
