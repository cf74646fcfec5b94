import type { Deps } from '../deps.js';
import type { DialFailure, HoldSignal, MediaSession, OutboundCall } from '../telephony/backend.js';
import type { PlacedLeg } from './leg-types.js';
import { endCall, failureEnd, markAnswered, markRinging } from './lifecycle.js';
import type { CallRow } from './store.js';

/** A leg that answered: its row (`in-progress`), its SIP side and its running media. */
export interface LiveLeg {
  row: CallRow;
  call: OutboundCall;
  media: MediaSession;
  hold?: HoldSignal | undefined;
}

/** How ringing a placed leg ended: answered, or failed with its row ended (busy, no_answer, ...). */
export type RungLeg = { ok: true; leg: LiveLeg } | { ok: false; row: CallRow; failure: DialFailure };

/**
 * Rings a placed leg until its INVITE settles, writing its row as it goes (`ringing` on the first
 * provisional, `in-progress` on the answer, the failure's end otherwise). `whileRinging` runs until
 * then (ringback to the caller of a `dial`; nothing for a transfer's leg, whose caller is still talking).
 */
export async function ringLeg(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, placed: PlacedLeg, whileRinging: (stop: AbortSignal) => Promise<void>): Promise<RungLeg> {
  const { call } = placed;
  let row = placed.row;
  let writes = Promise.resolve();
  call.onProgress((status) => {
    if (row.status !== 'queued') return;
    row = { ...row, status: 'ringing' };
    writes = writes.then(async () => {
      row = await markRinging(deps, placed.row, status);
    });
  });
  const ringing = new AbortController();
  const sideShow = whileRinging(ringing.signal);
  const outcome = await call.outcome;
  ringing.abort();
  await sideShow;
  await writes;
  if (!outcome.ok) {
    const ended = await endCall(deps, row, failureEnd(outcome), placed.failureReason(outcome));
    return { ok: false, row: ended, failure: outcome };
  }
  row = await markAnswered(deps, row);
  return { ok: true, leg: { row, call, media: outcome.media, hold: outcome.hold } };
}
