import { ALLOW } from '../sip/responses.js';
import type { SrfDialog } from './srf-types.js';

/**
 * Requests inside a call's dialog that drachtio-srf's Dialog would answer wrongly on its own. It answers
 * BYE (ending the dialog), INFO, UPDATE and OPTIONS 200 itself, and a re-INVITE 200 with our last SDP;
 * a REFER it would accept (200) though nothing transfers the call, leaving the PBX waiting for it. 501,
 * as the embedded endpoint answers it.
 */
export function answerDialogRequests(dialog: SrfDialog): void {
  dialog.on('refer', (_req, res) => res.send(501, undefined, { headers: { Allow: ALLOW } }, () => {}));
}
