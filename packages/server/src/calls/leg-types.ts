import type { DialFailure, OutboundCall } from '../telephony/backend.js';
import type { HangupReason } from './hangup-reason.js';
import type { CallRow } from './store.js';

/** A leg placed for a `dial`: its call row (written, `queued`) and the SIP side ringing. */
export interface PlacedLeg {
  row: CallRow;
  call: OutboundCall;
  /** Forgets the leg in the outbound registry once it is over. */
  release(): void;
  /** Words a failed INVITE for the leg's `hangup_reason`. */
  failureReason(f: DialFailure): HangupReason;
}

/** Places legs like `POST /v1/calls` does (same caller ID rule, routes and Request-URI); calls/outbound.ts. */
export interface DialLegs {
  placeLeg(input: {
    accountId: string;
    from: string;
    to: string;
    sipTrunkId?: string | undefined;
    ringTimeoutMs: number;
    parentCallId: string;
  }): Promise<PlacedLeg>;
}
