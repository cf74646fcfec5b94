import type { DialResult } from '../telephony/verbs/verb-host.js';
import type { DialVerb } from '../telephony/verbs/verb-types.js';
import type { DialLegs } from './dial-leg.js';
import type { TransferTargets } from './leg-transfer.js';
import type { HangupReason } from './hangup-reason.js';

/**
 * What a call to a SIP user does next, as bridgeCaller runs it: ring a leg (the user's phones, or a
 * number a forward names) and maybe go on when it is not answered, take a message, or refuse.
 */
export type Reach =
  | {
      kind: 'ring';
      legs: DialLegs;
      verb: DialVerb;
      /** Where the answering party may transfer the caller (REFER); without it a REFER gets 501. */
      transfer?: TransferTargets | undefined;
      /** Where an unanswered ring goes on to (a forward on busy or no answer); undefined: the caller hears 486/480. */
      next?(result: DialResult): Promise<Reach | undefined>;
    }
  | { kind: 'voicemail'; boxId: string; greeting: 'unavailable' | 'busy' }
  | { kind: 'refuse'; status: 480 | 482 | 486; reason: HangupReason };

/** A plain ring that ends the call when unanswered (a call that no forwarding applies to). */
export function ringOnly(legs: DialLegs, verb: DialVerb, transfer?: TransferTargets): Reach {
  return { kind: 'ring', legs, verb, transfer };
}
