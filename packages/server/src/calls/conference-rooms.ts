/**
 * The conference rooms of one server process: the `conference` verb's callers of one account naming one
 * room are mixed (telephony/media mix()). Rooms are not stored: the mixer runs in this process's media
 * plane, so a room lives exactly as long as its participants' calls here, and two processes (PostgreSQL
 * deployments) each have their own rooms. The key is the account and the name, so two accounts' rooms of
 * the same name never meet.
 */
import { newId } from '../ids.js';
import { type Conference, MediaBusyError, MixNotSupportedError, mix } from '../telephony/media/index.js';
import type { MediaSession } from '../telephony/backend.js';

/** Why a participant left, as the verb's action_url is told (the spec's `conference_status`). */
export type RoomExit =
  | { status: 'ended' }
  | { status: 'failed'; error: 'conference_unsupported' | 'media_busy' | 'mixer_lost'; message: string }
  /** The caller's own leave (hang-up, time limit, replaced instructions): the verb words it. */
  | { status: 'left' };

export interface RoomParticipantView {
  call_id: string;
  joined_at: string;
  muted: boolean;
  start_on_enter: boolean;
  end_on_exit: boolean;
}

/** A room as `GET /v1/conferences` shows it. */
export interface RoomView {
  id: string;
  name: string;
  status: 'waiting' | 'in_progress';
  created_at: string;
  started_at: string | null;
  participants: RoomParticipantView[];
}

interface Member {
  callId: string;
  media: MediaSession;
  joinedAt: Date;
  muted: boolean;
  startOnEnter: boolean;
  endOnExit: boolean;
  /** Settles the participant's verb. */
  exit(how: RoomExit): void;
}

interface Room {
  id: string;
  accountId: string;
  name: string;
  createdAt: Date;
  startedAt: Date | undefined;
  conference: Conference | undefined;
  members: Map<string, Member>;
}

/** What join() answers: the room's id, when the participant left it and why, and how to leave. */
export interface RoomSeat {
  conferenceId: string;
  /** False when the room refused the call at once (its exit says why). */
  seated: boolean;
  exited: Promise<RoomExit>;
  leave(): void;
}

export interface JoinInput {
  accountId: string;
  name: string;
  callId: string;
  media: MediaSession;
  muted: boolean;
  startOnEnter: boolean;
  endOnExit: boolean;
  now: Date;
}

const keyOf = (accountId: string, name: string) => `${accountId}\n${name}`;

export class ConferenceRooms {
  readonly #rooms = new Map<string, Room>();

  /** Puts a call in its account's room `name` (made on first use); the seat's `exited` settles when it leaves. */
  join(input: JoinInput): RoomSeat {
    const key = keyOf(input.accountId, input.name);
    let room = this.#rooms.get(key);
    if (!room) {
      room = {
        id: newId('conference', input.now),
        accountId: input.accountId,
        name: input.name,
        createdAt: input.now,
        startedAt: undefined,
        conference: undefined,
        members: new Map(),
      };
      this.#rooms.set(key, room);
    }
    const theRoom = room;
    let settle!: (how: RoomExit) => void;
    const exited = new Promise<RoomExit>((resolve) => {
      settle = resolve;
    });
    const member: Member = {
      callId: input.callId,
      media: input.media,
      joinedAt: input.now,
      muted: input.muted,
      startOnEnter: input.startOnEnter,
      endOnExit: input.endOnExit,
      exit: settle,
    };
    theRoom.members.set(input.callId, member);
    if (input.muted) input.media.setMuted(true);
    if (theRoom.conference) this.#mixIn(theRoom, member);
    else if (input.startOnEnter) this.#start(theRoom, input.now);
    const seated = theRoom.members.get(input.callId) === member;
    return { conferenceId: theRoom.id, seated, exited, leave: () => this.#remove(theRoom, input.callId, { status: 'left' }) };
  }

  /** The account's rooms, oldest first. */
  list(accountId: string): RoomView[] {
    return [...this.#rooms.values()].filter((r) => r.accountId === accountId).map(view);
  }

  /** One room of the account; undefined for another account's, as for one that does not exist. */
  find(accountId: string, id: string): RoomView | undefined {
    for (const room of this.#rooms.values()) if (room.id === id && room.accountId === accountId) return view(room);
    return undefined;
  }

  /** The room starts: every participant waiting is mixed, in the order they came. */
  #start(room: Room, now: Date): void {
    room.startedAt = now;
    for (const member of [...room.members.values()]) {
      if (!room.members.has(member.callId)) continue;
      this.#mixIn(room, member);
    }
  }

  #mixIn(room: Room, member: Member): void {
    try {
      if (room.conference) room.conference.join(member.media);
      else {
        const conference = mix([member.media]);
        room.conference = conference;
        conference.onLost(() => this.#end(room, { status: 'failed', error: 'mixer_lost', message: 'the media worker mixing this room died' }));
      }
    } catch (err) {
      const why = refusal(err);
      this.#remove(room, member.callId, why ?? { status: 'failed', error: 'conference_unsupported', message: String(err) });
      if (!why) throw err;
    }
  }

  /** A participant leaves; the room ends when it was its last one, or for everyone when it had end_on_exit. */
  #remove(room: Room, callId: string, how: RoomExit): void {
    const member = room.members.get(callId);
    if (!member) return;
    room.members.delete(callId);
    room.conference?.leave(member.media);
    if (member.muted) member.media.setMuted(false);
    member.exit(how);
    if (room.members.size === 0) this.#end(room, { status: 'ended' });
    else if (member.endOnExit && room.startedAt && how.status !== 'failed') this.#end(room, { status: 'ended' });
  }

  /** The room closes: everyone still in it leaves with `how`. */
  #end(room: Room, how: RoomExit): void {
    const key = keyOf(room.accountId, room.name);
    if (this.#rooms.get(key) === room) this.#rooms.delete(key);
    const members = [...room.members.values()];
    room.members.clear();
    room.conference?.close();
    room.conference = undefined;
    for (const member of members) {
      if (member.muted) member.media.setMuted(false);
      member.exit(how);
    }
  }
}

/** Why a session could not be mixed, in the spec's words. */
function refusal(err: unknown): RoomExit | undefined {
  if (err instanceof MixNotSupportedError) return { status: 'failed', error: 'conference_unsupported', message: err.message };
  if (err instanceof MediaBusyError) return { status: 'failed', error: 'media_busy', message: err.message };
  return undefined;
}

function view(room: Room): RoomView {
  return {
    id: room.id,
    name: room.name,
    status: room.startedAt ? 'in_progress' : 'waiting',
    created_at: room.createdAt.toISOString(),
    started_at: room.startedAt?.toISOString() ?? null,
    participants: [...room.members.values()].map((m) => ({
      call_id: m.callId,
      joined_at: m.joinedAt.toISOString(),
      muted: m.muted,
      start_on_enter: m.startOnEnter,
      end_on_exit: m.endOnExit,
    })),
  };
}
