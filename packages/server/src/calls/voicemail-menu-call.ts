import type { CallingUser } from '../sip-users/call-targets.js';
import { userByExtension } from '../sip-users/call-targets.js';
import type { InboundCall, InboundOffer } from '../telephony/backend.js';
import { listenMenu, type MenuTarget } from '../voicemail/listen-menu.js';
import { ownBoxOf } from '../voicemail/service.js';
import { openCallerMedia } from './bridged-call.js';
import { CallSession, type SessionDeps, type SessionTools } from './call-session.js';
import { endCall } from './lifecycle.js';
import type { CallRow } from './store.js';

/** What a registered phone dials for its own voicemail box, and for any box of the account by extension. */
export const VOICEMAIL_CODES = { own: '*97', any: '*98' } as const;

/**
 * A registered user's call to `*97` or `*98`, its row open and its offer usable: answered by us, the
 * voicemail menu runs in our media plane (TTS prompts, the messages' WAVs) and we hang up when it is
 * done. Keys are queued for the menu but never recorded (`call.dtmf`, gathers): they include the PIN.
 * Without audio storage there are no messages to hear, so the call is refused with 480.
 */
export async function runVoicemailMenu(
  deps: SessionDeps,
  engine: SessionTools,
  call: InboundCall,
  offer: Extract<InboundOffer, { ok: true }>,
  row: CallRow,
  user: CallingUser,
  code: string,
): Promise<void> {
  const stored = deps.recordings;
  if (!stored) {
    const why = 'this server stores no audio, so it has no voicemail messages';
    await call.reject(480, 'Temporarily Unavailable', { Warning: `399 prolope "${why}"` });
    await endCall(deps, row, { by: 'system', cause: 'rejected', sipCode: 480 }, { code: 'media_unavailable', message: why });
    return;
  }
  const target: MenuTarget =
    code === VOICEMAIL_CODES.own
      ? { own: await ownBoxOf(deps, user.accountId, user.id) }
      : {
          byExtension: async (extension) => {
            const owner = await userByExtension(deps.db, user.accountId, extension);
            return owner ? ownBoxOf(deps, user.accountId, owner.id) : undefined;
          },
        };
  const answering = await openCallerMedia(deps, engine, call, offer, row, 'voicemail menu');
  if (!answering) return;
  const session = new CallSession({ deps, engine, row, media: answering.media, sip: call, us: 'callee', reportDigits: false, privateDigits: true, hold: answering.hold });
  try {
    await answering.answer();
    if (session.ended) return await session.ended;
    await session.answered();
    const menuDeps = { db: deps.db, clock: deps.clock, events: deps.events, recordings: stored.store };
    await session.runFlow((host) => listenMenu(menuDeps, host, user.accountId, target), undefined);
  } catch (err) {
    if (session.ended) return await session.ended;
    engine.log.error({ err, callId: call.callId }, 'voicemail menu call failed');
    await call.hangup().catch(() => {});
    await session.finish({ by: 'system', cause: 'error', sipCode: 500 });
  }
}
