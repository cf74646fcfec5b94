import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import { newId } from '../ids.js';
import { writeWav8k } from '../telephony/media/index.js';
import { type Recording, recordingSeconds, toRecording } from './recording.js';
import { recordingKey, type RecordingStore } from '../store/object-store.js';
import { deleteRecordingRow, findRecording, insertRecording, type RecordingRow } from './store.js';

/** What storing a recording needs: the store, the clock, the audio storage and the public API address. */
export interface RecordingDeps extends Pick<Deps, 'db' | 'clock'> {
  recordings: RecordingStore;
  publicUrl: string;
}

/**
 * Stores a call's recorded audio (8 kHz 16-bit PCM, interleaved when `channels` is 2) as a WAV, then
 * its row and the `call.recording.completed` event in one transaction; the file is removed again when
 * that fails, so a recording exists exactly when its event does.
 */
export async function saveRecording(
  deps: RecordingDeps,
  call: { id: string; account_id: string },
  pcm: Int16Array,
  channels: 1 | 2 = 1,
): Promise<Recording> {
  const now = deps.clock.now();
  const id = newId('recording', now);
  const wav = writeWav8k(pcm, channels);
  const key = recordingKey(call.account_id, id);
  await deps.recordings.put(key, wav);
  const row: RecordingRow = {
    id,
    account_id: call.account_id,
    call_id: call.id,
    status: 'completed',
    channels,
    duration_seconds: recordingSeconds(pcm.length / channels),
    size_bytes: wav.length,
    created_at: iso(now),
  };
  const recording = toRecording(row, deps.publicUrl);
  try {
    await deps.db.transaction().execute(async (tx) => {
      await insertRecording(tx, row);
      await recordEvent(tx, { accountId: row.account_id, type: 'call.recording.completed', object: recording, at: now });
    });
  } catch (err) {
    await deps.recordings.delete(key).catch(() => {});
    throw err;
  }
  return recording;
}

/** Removes the row, then the audio (a leftover file is harmless; a row without its file is not). */
export async function deleteRecording(
  deps: Pick<Deps, 'db' | 'recordings'>,
  accountId: string,
  id: string,
): Promise<{ id: string; object: 'recording'; deleted: true }> {
  const deleted = await deps.db.transaction().execute((tx) => deleteRecordingRow(tx, accountId, id));
  if (!deleted) throw notFound('recording', id);
  await deps.recordings.delete(recordingKey(accountId, id));
  return { id, object: 'recording', deleted: true };
}

/** The WAV of an account's recording; 404 when the row or its file is gone. */
export async function recordingMedia(deps: Pick<Deps, 'db' | 'recordings'>, accountId: string, id: string): Promise<Buffer> {
  const row = await findRecording(deps.db, accountId, id);
  const wav = row ? await deps.recordings.get(recordingKey(accountId, id)) : undefined;
  if (!wav) throw notFound('recording', id);
  return wav;
}
