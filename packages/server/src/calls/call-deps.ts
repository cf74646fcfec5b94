import type { Deps } from '../deps.js';
import type { OutboundCalls } from './outbound.js';

/**
 * What the calls routes get: every domain's deps plus the outbound calls. Kept out of deps.ts, which
 * every domain imports, so the bottom layer never names the calls domain (that was an import cycle).
 */
export interface CallDeps extends Deps {
  /** Places outbound calls once SIP is up; absent in an app built without telephony. */
  outbound?: OutboundCalls | undefined;
}
