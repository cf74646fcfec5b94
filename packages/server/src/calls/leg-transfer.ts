import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../deps.js';
import type { OutboundCall, TransferDecision } from '../telephony/backend.js';
import type { DialLegs, PlacedLeg } from './leg-types.js';
import { type LiveLeg, ringLeg } from './leg-ring.js';
import type { ReplaceableBridges } from './replaceable-bridges.js';
import type { CallRow } from './store.js';

/** Where a REFER may send the caller of a bridged call, resolved per target by whoever set up the call. */
export interface TransferTargets {
  /**
   * The legs for `target` (a Refer-To user part: an extension or a number) and the From the new leg shows,
   * or the SIP status refusing it (404 unknown, 403 not allowed).
   */
  resolve(target: string): Promise<{ ok: true; legs: DialLegs; to: string; from: string } | { ok: false; status: number; reason: string }>;
}

/** A transfer's new leg, answered: what the caller is bridged to next. */
export interface MovedLeg {
  leg: LiveLeg;
  placed: PlacedLeg;
  /** The target as the REFER named it. */
  to: string;
  /**
   * Set for an attended transfer (REFER with Replaces): the leg was taken, answered, from the bridge of
   * this call (the transferor's other call, whose side Prolope then hangs up).
   */
  replacedCallId?: string;
}

/** The REFERs of one bridged leg, as tryLeg follows them. */
export interface TransferWatch {
  /** The attempt in flight (its leg ringing), if any: resolves with the answered leg, or undefined on failure. */
  readonly pending: Promise<MovedLeg | undefined> | undefined;
  /** Called when an attempt's leg answers (at once when one answered before the bridge listened). */
  onMove(listener: (moved: MovedLeg) => void): void;
}

interface TransferParent {
  row: CallRow;
  signal: AbortSignal;
  log: Pick<FastifyBaseLogger, 'warn'>;
  /** The bridges a Replaces may name; without them an attended transfer finds no dialog (NOTIFY 481). */
  bridges?: ReplaceableBridges | undefined;
}

/**
 * Takes the REFERs the party of `leg` sends (blind transfer, RFC 3515): the target is resolved (refused
 * with its status), a new leg is placed and rings while the two parties still talk; when it answers
 * the caller is moved to it (onMove) and the transferor hears NOTIFY 200 then BYE, and when it fails the
 * transferor hears the failure and the bridge stays. The caller hanging up cancels the new leg.
 *
 * A REFER with Replaces (attended transfer, RFC 3891) names the transferor's other call through this
 * server: the far party of that call's bridge is taken as it is (answered, no new INVITE) and the caller
 * is moved to it, NOTIFY 200 at once; the bridge it left hangs up its own caller (the transferor's other
 * dialog). A Replaces naming no bridge of this account gets NOTIFY 481, as an INVITE with it would.
 */
export function watchTransfers(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  call: OutboundCall,
  parent: TransferParent,
  targets: TransferTargets,
  ringTimeoutMs: number,
): TransferWatch {
  let pending: Promise<MovedLeg | undefined> | undefined;
  let listener: ((moved: MovedLeg) => void) | undefined;
  let answered: MovedLeg | undefined;
  // Set as the leg is placed: a phone may REFER right after its ACK, before the caller's own ACK let the bridge start.
  call.onTransfer?.(async (req): Promise<TransferDecision> => {
    if (parent.signal.aborted) return { accept: false, status: 481, reason: 'Call Does Not Exist' };
    if (req.replaces) {
      const bridge = parent.bridges?.find(parent.row.account_id, req.replaces);
      // The bridge of this very call would hand over the transferor's own leg: that names no other call.
      const taken = bridge && bridge.callerCallId !== parent.row.id ? bridge.take() : undefined;
      if (!bridge || !taken) return { accept: true, outcome: Promise.resolve({ status: 481, reason: 'Call/Transaction Does Not Exist' }) };
      const moved: MovedLeg = { ...taken, replacedCallId: bridge.callerCallId };
      answered = moved;
      listener?.(moved);
      return { accept: true, outcome: Promise.resolve({ status: 200, reason: 'OK' }) };
    }
    const plan = await targets.resolve(req.target);
    if (!plan.ok) return { accept: false, status: plan.status, reason: plan.reason };
    let placed: PlacedLeg;
    try {
      placed = await plan.legs.placeLeg({ accountId: parent.row.account_id, from: plan.from, to: plan.to, ringTimeoutMs, parentCallId: parent.row.id });
    } catch (err) {
      parent.log.warn({ err, callId: parent.row.id, to: plan.to }, 'transfer: the new leg could not be placed');
      return { accept: false, status: 403, reason: 'Forbidden' };
    }
    const hangup = () => void placed.call.hangup().catch(() => {});
    parent.signal.addEventListener('abort', hangup, { once: true });
    const attempt = ringLeg(deps, placed, async () => {}).then(async (rung): Promise<MovedLeg | { failed: { status: number; reason: string } }> => {
      if (!rung.ok) {
        parent.signal.removeEventListener('abort', hangup);
        placed.release();
        return { failed: { status: rung.failure.status, reason: rung.failure.reason } };
      }
      return { leg: rung.leg, placed, to: req.target };
    });
    const moved = attempt.then((a) => ('failed' in a ? undefined : a));
    pending = moved;
    void moved.then((m) => {
      if (pending === moved && !m) pending = undefined;
      if (!m) return;
      answered = m;
      listener?.(m);
    });
    return { accept: true, outcome: attempt.then((a) => ('failed' in a ? a.failed : { status: 200, reason: 'OK' })) };
  });
  return {
    get pending() {
      return pending;
    },
    onMove(l) {
      listener = l;
      if (answered) l(answered);
    },
  };
}
