import type { ReplacesDialog } from '../telephony/backend.js';
import type { LiveLeg } from './leg-ring.js';
import type { PlacedLeg } from './leg-types.js';

/** A caller's SIP dialog as a Replaces names it: its Call-ID and the two tags (ours and the caller's). */
export interface DialogTags {
  callId: string;
  localTag: string;
  remoteTag: string;
}

/** An answered leg handed over by its bridge, with the target as its row names it. */
export interface TakenLeg {
  leg: LiveLeg;
  placed: PlacedLeg;
  to: string;
}

/** A bridge that can give its answered leg away: the caller's side is then hung up by the bridge's owner. */
export interface ReplaceableBridge {
  accountId: string;
  /** The caller's call (the row of the side that goes away when its leg is taken). */
  callerCallId: string;
  /** Hands the leg over (the bridge stops at once without hanging it up); undefined when it no longer can. */
  take(): TakenLeg | undefined;
}

/**
 * The answered bridges of this server whose caller's dialog a Replaces may name (attended transfer, RFC
 * 3891): a phone on two calls through Prolope REFERs one with `Replaces=` the other, and the far party
 * of the named one is joined with the transferee. Lookups are by account, so another tenant's dialog is
 * never found whatever the Replaces says (the answer is the same as for a dialog that does not exist).
 * Each server builds its own (CallRuntime).
 */
export class ReplaceableBridges {
  readonly #byDialog = new Map<string, ReplaceableBridge>();

  /** Offers `bridge` under its caller's dialog until the returned withdraw is called. */
  offer(dialog: DialogTags, bridge: ReplaceableBridge): () => void {
    const key = dialogKey(dialog.callId, dialog.localTag, dialog.remoteTag);
    this.#byDialog.set(key, bridge);
    return () => {
      if (this.#byDialog.get(key) === bridge) this.#byDialog.delete(key);
    };
  }

  /**
   * The bridge of `accountId` the Replaces names, if any. The tags are matched either way round: the
   * sender writes them as it sees the dialog (RFC 3891 §3), and ours is its to-tag when it called us.
   */
  find(accountId: string, replaces: ReplacesDialog): ReplaceableBridge | undefined {
    const bridge =
      this.#byDialog.get(dialogKey(replaces.callId, replaces.toTag, replaces.fromTag)) ?? this.#byDialog.get(dialogKey(replaces.callId, replaces.fromTag, replaces.toTag));
    // `early-only`: the sender wants an early dialog replaced, and every bridge here is confirmed.
    if (!bridge || bridge.accountId !== accountId || replaces.earlyOnly) return undefined;
    return bridge;
  }

  get size(): number {
    return this.#byDialog.size;
  }
}

function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\n${localTag}\n${remoteTag}`;
}
