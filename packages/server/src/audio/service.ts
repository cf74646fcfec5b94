import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import type { AuthContext } from '../http/auth.js';
import type { Schema } from '../http/contract.js';
import type { FetchLike } from '../http/safe-fetch.js';
import { newId } from '../ids.js';
import { decodeBase64Strict } from '../number-ports/document-content.js';
import type { Tx } from '../store/db.js';
import type { PromptPlaybacks } from '../telephony/verbs/prompt-playbacks.js';
import { writeAlawWav } from './alaw-wav.js';
import { decodeUpload } from './decode-upload.js';
import { RIGHTS_DECLARATION_TEXT, RIGHTS_DECLARATION_VERSION } from './declaration.js';
import { fetchUpload } from './fetch-upload.js';
import { type AudioRow, clearHoldMusicOf, deleteAudioRow, findAudio, findAudioAnyAccount, findAudioSettings, insertAudio, markTakenDown } from './store.js';
import { type AudioPrompt, audioKey, toAudio } from './view.js';

export type AudioCreate = Schema<'AudioCreate'>;

/** What the audio routes need beyond every domain's deps: the server's live playbacks and a guarded fetch. */
export interface AudioDeps extends Deps {
  playbacks: PromptPlaybacks;
  fetch: FetchLike;
}

/**
 * Uploads a prompt: decoded and checked before anything is written, converted to 8 kHz A-law and
 * stored, then the row (with the terms 10.2 declaration: who is the request's key, never a name from
 * the body) and `audio.created` in one transaction. A failed transaction removes the stored file.
 */
export async function createAudio(deps: AudioDeps, auth: AuthContext, input: AudioCreate, base: string): Promise<AudioPrompt> {
  const bytes = input.content_base64 !== undefined ? decodeBase64Strict(input.content_base64) : await fetchUpload(deps.fetch, input.url as string);
  const decoded = await decodeUpload(bytes, input.content_base64 !== undefined ? '/body/content_base64' : '/body/url');
  const wav = writeAlawWav(decoded.samples);
  const now = deps.clock.now();
  const row: AudioRow = {
    id: newId('audio', now),
    account_id: auth.accountId,
    name: input.name,
    status: 'active',
    source_format: decoded.format,
    duration_ms: decoded.durationMs,
    size_bytes: wav.length,
    rights_text: RIGHTS_DECLARATION_TEXT,
    rights_version: RIGHTS_DECLARATION_VERSION,
    rights_accepted_at: iso(now),
    rights_api_key_id: auth.keyId,
    rights_contact_id: auth.contactId,
    taken_down_at: null,
    takedown_reason: null,
    created_at: iso(now),
    updated_at: iso(now),
  };
  const key = audioKey(row.account_id, row.id);
  await deps.recordings.put(key, wav);
  const audio = toAudio(row, base);
  try {
    await deps.db.transaction().execute(async (tx: Tx) => {
      await insertAudio(tx, row);
      await recordEvent(tx, { accountId: row.account_id, type: 'audio.created', object: audio, at: now });
    });
  } catch (err) {
    await deps.recordings.delete(key).catch(() => {});
    throw err;
  }
  return audio;
}

export async function audioMedia(deps: Deps, accountId: string, id: string): Promise<Buffer> {
  const row = await findAudio(deps.db, accountId, id);
  if (!row) throw notFound('audio prompt', id);
  const wav = await deps.recordings.get(audioKey(accountId, id));
  if (!wav) throw notFound('audio prompt file', id);
  return wav;
}

/** Deletes a prompt: calls playing it stop at once; refused while it is the account's hold music. */
export async function deleteAudio(deps: AudioDeps, accountId: string, id: string, base: string) {
  const row = await findAudio(deps.db, accountId, id);
  if (!row) throw notFound('audio prompt', id);
  const settings = await findAudioSettings(deps.db, accountId);
  if (settings?.hold_music_audio_id === id) {
    throw new ProblemError('audio_in_use', `${id} is the account's hold music; choose another (PATCH /v1/hold-music) before deleting it.`);
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx: Tx) => {
    await deleteAudioRow(tx, accountId, id);
    await recordEvent(tx, { accountId, type: 'audio.deleted', object: toAudio(row, base), at: now });
  });
  deps.playbacks.stop(id, 'the prompt was deleted');
  await deps.recordings.delete(audioKey(accountId, id));
  return { id, object: 'audio' as const, deleted: true as const };
}

/**
 * The operator's takedown (terms 10.3): the status is written first (with `audio.taken_down` to the
 * prompt's account, and the prompt dropped as hold music), then every playback on this server is
 * stopped. A play starting meanwhile registers before it reads the status (PromptPlaybacks), so it
 * either sees `taken_down` or is stopped here. Taking down again changes nothing.
 */
export async function takeDownAudio(deps: AudioDeps, id: string, reason: string, base: string): Promise<AudioPrompt> {
  const row = await findAudioAnyAccount(deps.db, id);
  if (!row) throw new ProblemError('not_found', `No audio prompt ${id} on any account. Check the id.`);
  if (row.status === 'taken_down') {
    deps.playbacks.stop(id, 'the prompt was taken down');
    return toAudio(row, base);
  }
  const now = deps.clock.now();
  const at = iso(now);
  const next: AudioRow = { ...row, status: 'taken_down', taken_down_at: at, takedown_reason: reason, updated_at: at };
  const audio = toAudio(next, base);
  const changed = await deps.db.transaction().execute(async (tx: Tx) => {
    if (!(await markTakenDown(tx, id, at, reason))) return false;
    await clearHoldMusicOf(tx, id, at);
    await recordEvent(tx, { accountId: row.account_id, type: 'audio.taken_down', object: audio, at: now });
    return true;
  });
  deps.playbacks.stop(id, 'the prompt was taken down');
  if (!changed) {
    const current = await findAudioAnyAccount(deps.db, id);
    if (!current) throw new ProblemError('not_found', `No audio prompt ${id} on any account. Check the id.`);
    return toAudio(current, base);
  }
  return audio;
}
