import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../deps.js';
import { verbDefaults } from '../http/contract.js';
import type { MediaSession } from '../telephony/backend.js';
import type { ConferenceResult } from '../telephony/verbs/verb-host.js';
import type { ConferenceVerb } from '../telephony/verbs/verb-types.js';
import type { ConferenceRooms, RoomExit } from './conference-rooms.js';
import type { CallEventData } from './lifecycle.js';
import type { CallRow } from './store.js';

/** The call running the `conference`: its row, its media, and the signal that ends the verb (hang-up or replacement). */
export interface ConferenceCaller {
  row: CallRow;
  media: MediaSession;
  log: Pick<FastifyBaseLogger, 'warn'>;
  signal: AbortSignal;
  /** Records `call.conference.joined` and `call.conference.left` after the call's earlier events. */
  record(type: 'call.conference.joined', data: CallEventData<'call.conference.joined'>): Promise<void>;
  record(type: 'call.conference.left', data: CallEventData<'call.conference.left'>): Promise<void>;
}

// Verbs sit in a oneOf, where validation fills in no defaults: they come from the spec (generated).
const DEFAULTS = verbDefaults.conference;

/**
 * Runs a `conference` verb: the caller sits in the account's room until the room ends, the time limit,
 * or the call's end (then the interpreter stops anyway). A caller who cannot be mixed (the drachtio
 * backend, a call still bridged) gets `failed` with why, and the instructions go on.
 */
export async function conferenceVerb(
  deps: Pick<Deps, 'clock'>,
  rooms: ConferenceRooms,
  caller: ConferenceCaller,
  verb: ConferenceVerb,
): Promise<ConferenceResult> {
  const joinedAt = deps.clock.now();
  const seat = rooms.join({
    accountId: caller.row.account_id,
    name: verb.name,
    callId: caller.row.id,
    media: caller.media,
    muted: verb.muted ?? DEFAULTS.muted,
    startOnEnter: verb.start_on_enter ?? DEFAULTS.start_on_enter,
    endOnExit: verb.end_on_exit ?? DEFAULTS.end_on_exit,
    now: joinedAt,
  });
  const room = { conference_id: seat.conferenceId, conference_name: verb.name };
  if (seat.seated) void caller.record('call.conference.joined', room);
  const limitMs = (verb.time_limit_seconds ?? DEFAULTS.time_limit_seconds) * 1000;
  let timedOut = false;
  const limit = setTimeout(() => {
    timedOut = true;
    seat.leave();
  }, limitMs);
  const onEnd = () => seat.leave();
  if (caller.signal.aborted) onEnd();
  else caller.signal.addEventListener('abort', onEnd, { once: true });
  try {
    const exit = await seat.exited;
    if (seat.seated) void caller.record('call.conference.left', { ...room, ...leftReason(exit, timedOut) });
    const durationSeconds = Math.max(0, Math.ceil((deps.clock.now().getTime() - joinedAt.getTime()) / 1000));
    if (exit.status === 'failed') {
      caller.log.warn({ callId: caller.row.id, room: verb.name, error: exit.error, reason: exit.message }, 'conference: the caller left the room (failed)');
      return { status: 'failed', error: exit.error, conferenceId: seat.conferenceId, durationSeconds };
    }
    if (exit.status === 'ended') return { status: 'ended', conferenceId: seat.conferenceId, durationSeconds };
    return { status: timedOut ? 'time_limit' : 'left', conferenceId: seat.conferenceId, durationSeconds };
  } finally {
    clearTimeout(limit);
    caller.signal.removeEventListener('abort', onEnd);
  }
}

/** The `call.conference.left` event's reason (and error) for how the seat ended. */
function leftReason(exit: RoomExit, timedOut: boolean): Pick<CallEventData<'call.conference.left'>, 'reason' | 'error'> {
  if (exit.status === 'failed') return { reason: 'failed', error: exit.error };
  if (exit.status === 'ended') return { reason: 'ended' };
  return { reason: timedOut ? 'time_limit' : 'hangup' };
}
