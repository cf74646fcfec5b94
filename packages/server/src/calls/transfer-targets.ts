import { toE164 } from '../contacts/phone.js';
import type { Deps } from '../deps.js';
import { userByExtension } from '../sip-users/call-targets.js';
import type { DialOptions, OutboundCall } from '../telephony/backend.js';
import type { DialLegs } from './dial-leg.js';
import type { TransferTargets } from './leg-transfer.js';
import { placeUserLeg } from './user-leg.js';

/** A number given as dialled, in E.164; undefined when it is not a number. */
export function e164(user: string): string | undefined {
  try {
    return toE164(user, '');
  } catch {
    return undefined;
  }
}

/**
 * Where a SIP user on a bridged call may transfer the other party (REFER): an enabled extension of the
 * same account (all its devices ring, showing `transferee` as the caller), or a number outside through
 * the carrier, shown as `callerId` (a number the account holds; without one, or without carrier
 * dialling, 403). Anything else is 404; a disabled extension 480. Extensions of other accounts are
 * never found (the lookup is by account).
 */
export function userTransferTargets(
  deps: Pick<Deps, 'db' | 'clock' | 'node'>,
  dial: (o: DialOptions) => OutboundCall,
  carrier: DialLegs | undefined,
  accountId: string,
  caller: { transferee: string; callerId: string | null },
): TransferTargets {
  return {
    async resolve(target) {
      const user = await userByExtension(deps.db, accountId, target);
      if (user) {
        if (!user.enabled) return { ok: false, status: 480, reason: 'Temporarily Unavailable' };
        const legs: DialLegs = { placeLeg: (input) => placeUserLeg(deps, dial, { ...input, userId: user.id, extension: user.extension }) };
        return { ok: true, legs, to: user.extension, from: caller.transferee };
      }
      const number = e164(target);
      if (!number) return { ok: false, status: 404, reason: 'Not Found' };
      if (!carrier || !caller.callerId) return { ok: false, status: 403, reason: 'Forbidden' };
      return { ok: true, legs: carrier, to: number, from: caller.callerId };
    },
  };
}
