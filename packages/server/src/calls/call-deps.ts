import type { Deps } from '../deps.js';
import type { PromptPlaybacks } from '../telephony/verbs/prompt-playbacks.js';
import type { ActiveCalls } from './active-calls.js';
import type { ConferenceRooms } from './conference-rooms.js';
import type { OutboundCalls } from './outbound.js';
import type { RemoteControl } from './remote-control/remote-control.js';

/**
 * What the calls routes get: every domain's deps plus the outbound calls and, with PostgreSQL, the remote control of calls held elsewhere. Kept out of deps.ts, which
 * every domain imports, so the bottom layer never names the calls domain (that was an import cycle).
 */
export interface CallDeps extends Deps {
  /** This server's live calls (its CallRuntime's registry): live actions find their call here. */
  activeCalls: ActiveCalls;
  /** This server's conference rooms (its CallRuntime's); absent in an app built without telephony. */
  conferences?: ConferenceRooms | undefined;
  /** This server's playbacks of stored prompts (its CallRuntime's): the operator's takedown stops them. */
  promptPlaybacks: PromptPlaybacks;
  /** Places outbound calls once SIP is up; absent in an app built without telephony. */
  outbound?: OutboundCalls | undefined;
  /** With PostgreSQL: sends live actions to the process holding the call (calls/remote-control). */
  remoteControl?: RemoteControl | undefined;
}
