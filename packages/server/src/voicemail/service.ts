import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import type { Schema } from '../http/contract.js';
import { newId } from '../ids.js';
import { sipUserExists } from '../sip-users/service.js';
import type { Tx } from '../store/db.js';
import { type RecordingStore, recordingKey } from '../store/object-store.js';
import { writeWav8k } from '../telephony/media/index.js';
import type { VoicemailMail } from './email.js';
import { hashPin, pinMatches } from './pin.js';
import {
  deleteBoxRow,
  deleteMessageRow,
  findBox,
  findMessage,
  insertBox,
  insertMessage,
  boxesOwnedBy,
  messageCounts,
  setHeard,
  updateBoxRow,
  type VoicemailBoxRow,
  type VoicemailMessageRow,
} from './store.js';
import { type Greetings, toVoicemailBox, toVoicemailMessage, type VoicemailBox, type VoicemailMessage } from './views.js';

export type VoicemailBoxCreate = Schema<'VoicemailBoxCreate'>;
export type VoicemailBoxPatch = Schema<'VoicemailBoxUpdate'>;
/** What the box services need: the store, the clock and the audio storage (recordings'). */
export type VoicemailDeps = Pick<Deps, 'db' | 'clock' | 'recordings'> & { events?: Deps['events'] | undefined };

/**
 * Tells the store's listeners that the account's counts may have changed, after the change committed
 * (the hint recordEvent gives can arrive before the commit): voice.ts NOTIFYs subscribed phones (MWI).
 */
function countsChanged(deps: { events?: Deps['events'] | undefined }, accountId: string): void {
  deps.events?.recorded(accountId);
}

/**
 * The new and heard messages of every box a SIP user owns: what its phones' message waiting indicator
 * shows (RFC 3842 `Voice-Message: new/old`).
 */
export async function mailboxSummary(deps: Pick<Deps, 'db'>, sipUserId: string): Promise<{ new: number; old: number }> {
  const total = { new: 0, old: 0 };
  for (const box of await boxesOwnedBy(deps.db, sipUserId)) {
    const counts = await messageCounts(deps.db, box.id);
    total.new += counts.new;
    total.old += counts.old;
  }
  return total;
}

/**
 * The box a SIP user reaches with `*97`: the first (oldest) one of the account that they own, or
 * undefined.
 *
 * @example
 * ```ts
 * const boxId = await ownBoxOf(deps, accountId, 'sipu_01…');
 * ```
 */
export async function ownBoxOf(deps: Pick<Deps, 'db'>, accountId: string, sipUserId: string): Promise<string | undefined> {
  const boxes = await boxesOwnedBy(deps.db, sipUserId);
  return boxes.find((b) => b.account_id === accountId)?.id;
}

async function checkOwner(deps: Pick<Deps, 'db'>, accountId: string, sipUserId: string | null | undefined): Promise<void> {
  if (!sipUserId) return;
  if (!(await sipUserExists(deps.db, accountId, sipUserId))) {
    throw new ProblemError('invalid_reference', `No SIP user ${sipUserId} on this account: list them with GET /v1/sip-users.`, { param: '/body/sip_user_id' });
  }
}

/** Greetings as stored: every kind present, `null` where none is set. */
function mergeGreetings(base: Greetings, patch: Partial<Greetings> | undefined): Greetings {
  return {
    unavailable: patch?.unavailable === undefined ? base.unavailable : patch.unavailable,
    busy: patch?.busy === undefined ? base.busy : patch.busy,
    name: patch?.name === undefined ? base.name : patch.name,
  };
}

export async function createBox(deps: VoicemailDeps, accountId: string, input: VoicemailBoxCreate): Promise<VoicemailBox> {
  await checkOwner(deps, accountId, input.sip_user_id);
  const now = deps.clock.now();
  const row: VoicemailBoxRow = {
    id: newId('voicemailBox', now),
    account_id: accountId,
    name: input.name,
    pin_hash: await hashPin(input.pin),
    sip_user_id: input.sip_user_id ?? null,
    email: input.email ?? null,
    // Filled by validation from the spec's defaults (request-defaults).
    max_message_seconds: input.max_message_seconds as number,
    greetings: JSON.stringify(mergeGreetings({ unavailable: null, busy: null, name: null }, input.greetings)),
    created_at: iso(now),
    updated_at: iso(now),
  };
  await deps.db.transaction().execute((tx: Tx) => insertBox(tx, row));
  return toVoicemailBox(row);
}

export async function updateBox(deps: VoicemailDeps, accountId: string, id: string, patch: VoicemailBoxPatch): Promise<VoicemailBox> {
  const row = await findBox(deps.db, accountId, id);
  if (!row) throw notFound('voicemail box', id);
  await checkOwner(deps, accountId, patch.sip_user_id);
  const next: Partial<VoicemailBoxRow> = { updated_at: iso(deps.clock.now()) };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.pin !== undefined) next.pin_hash = await hashPin(patch.pin);
  if (patch.sip_user_id !== undefined) next.sip_user_id = patch.sip_user_id;
  if (patch.email !== undefined) next.email = patch.email;
  if (patch.max_message_seconds !== undefined) next.max_message_seconds = patch.max_message_seconds;
  if (patch.greetings !== undefined) next.greetings = JSON.stringify(mergeGreetings(JSON.parse(row.greetings) as Greetings, patch.greetings));
  await deps.db.transaction().execute((tx: Tx) => updateBoxRow(tx, accountId, id, next));
  if (patch.sip_user_id !== undefined) countsChanged(deps, accountId);
  return toVoicemailBox({ ...row, ...next });
}

/** Removes the box and its messages, then their audio (a leftover file is harmless; a row without one is not). */
export async function deleteBox(deps: VoicemailDeps, accountId: string, id: string) {
  const row = await findBox(deps.db, accountId, id);
  if (!row) throw notFound('voicemail box', id);
  const messages = await deps.db.transaction().execute((tx: Tx) => deleteBoxRow(tx, accountId, id));
  countsChanged(deps, accountId);
  for (const messageId of messages) await deps.recordings.delete(recordingKey(accountId, messageId));
  return { id, object: 'voicemail_box' as const, deleted: true as const };
}

/** The account's box, or 404. */
export async function boxOf(deps: Pick<Deps, 'db'>, accountId: string, id: string): Promise<VoicemailBoxRow> {
  const row = await findBox(deps.db, accountId, id);
  if (!row) throw notFound('voicemail box', id);
  return row;
}

/**
 * Whether `pin` opens the account's box, for the `*97` menu. False for a box of another account
 * (or none), so a caller learns nothing about which boxes exist.
 *
 * @example
 * ```ts
 * if (!(await verifyPin(deps, accountId, 'vmb_01…', '4321'))) await say('Wrong PIN.');
 * ```
 */
export async function verifyPin(deps: Pick<Deps, 'db'>, accountId: string, boxId: string, pin: string): Promise<boolean> {
  const row = await findBox(deps.db, accountId, boxId);
  if (!row) return false;
  return pinMatches(pin, row.pin_hash);
}

/** What a caller hears and may leave in a box of the call's account; undefined for any other box. */
export async function boxForCaller(deps: Pick<Deps, 'db'>, accountId: string, boxId: string) {
  const row = await findBox(deps.db, accountId, boxId);
  if (!row) return undefined;
  const box = toVoicemailBox(row);
  return { id: box.id, name: box.name, greetings: box.greetings, maxSeconds: box.max_message_seconds };
}

export interface MessageStorage {
  db: Deps['db'];
  clock: Deps['clock'];
  recordings: RecordingStore;
  publicUrl: string;
  events?: Deps['events'] | undefined;
  /** Mails the message to the box's `email` when there is one (voice.ts builds it with SMTP configured). */
  mail?: VoicemailMail | undefined;
}

/**
 * Stores a message a caller left (8 kHz 16-bit PCM) as a WAV, then its row and
 * `voicemail.message.created` in one transaction; the audio is removed again when that fails, so a
 * message exists exactly when its event does.
 */
export async function saveMessage(
  deps: MessageStorage,
  box: { accountId: string; boxId: string },
  call: { id: string | null; from: string },
  pcm: Int16Array,
): Promise<VoicemailMessage> {
  const now = deps.clock.now();
  const id = newId('voicemailMessage', now);
  const wav = writeWav8k(pcm);
  const key = recordingKey(box.accountId, id);
  await deps.recordings.put(key, wav);
  const row: VoicemailMessageRow = {
    id,
    account_id: box.accountId,
    box_id: box.boxId,
    call_id: call.id,
    from_number: call.from,
    duration_seconds: Math.ceil(pcm.length / 8000),
    size_bytes: wav.length,
    heard: 0,
    created_at: iso(now),
  };
  const message = toVoicemailMessage(row, deps.publicUrl);
  try {
    await deps.db.transaction().execute(async (tx: Tx) => {
      await insertMessage(tx, row);
      await recordEvent(tx, { accountId: box.accountId, type: 'voicemail.message.created', object: message, at: now });
    });
  } catch (err) {
    await deps.recordings.delete(key).catch(() => {});
    throw err;
  }
  countsChanged(deps, box.accountId);
  const boxRow = deps.mail ? await findBox(deps.db, box.accountId, box.boxId) : undefined;
  // Not awaited: the caller's call goes on (and ends) without waiting for the mail server; the mailer logs failures.
  if (deps.mail && boxRow?.email) void deps.mail(boxRow.email, { name: boxRow.name }, message, wav);
  return message;
}

export async function messageOf(deps: Pick<Deps, 'db'>, accountId: string, boxId: string, id: string): Promise<VoicemailMessageRow> {
  const row = await findMessage(deps.db, accountId, boxId, id);
  if (!row) throw notFound('voicemail message', id);
  return row;
}

export async function markHeard(deps: Pick<VoicemailDeps, 'db' | 'events'>, accountId: string, boxId: string, id: string, heard: boolean): Promise<VoicemailMessageRow> {
  const row = await messageOf(deps, accountId, boxId, id);
  await deps.db.transaction().execute((tx: Tx) => setHeard(tx, accountId, boxId, id, heard));
  countsChanged(deps, accountId);
  return { ...row, heard: heard ? 1 : 0 };
}

export async function deleteMessage(deps: VoicemailDeps, accountId: string, boxId: string, id: string) {
  const deleted = await deps.db.transaction().execute((tx: Tx) => deleteMessageRow(tx, accountId, boxId, id));
  if (!deleted) throw notFound('voicemail message', id);
  countsChanged(deps, accountId);
  await deps.recordings.delete(recordingKey(accountId, id));
  return { id, object: 'voicemail_message' as const, deleted: true as const };
}

/** The message's WAV; 404 when the row or its audio is gone. */
export async function messageMedia(deps: VoicemailDeps, accountId: string, boxId: string, id: string): Promise<Buffer> {
  const row = await findMessage(deps.db, accountId, boxId, id);
  const wav = row ? await deps.recordings.get(recordingKey(accountId, id)) : undefined;
  if (!wav) throw notFound('voicemail message', id);
  return wav;
}
