import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { AccountAudioSettingsTable, AudioPromptsTable } from '../store/schema.js';

export type AudioRow = AudioPromptsTable;

export async function insertAudio(tx: Tx, row: AudioRow): Promise<void> {
  await tx.insertInto('audio_prompts').values(row).execute();
}

export async function findAudio(db: Db | Tx, accountId: string, id: string): Promise<AudioRow | undefined> {
  return db.selectFrom('audio_prompts').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** Any account's prompt: only the operator's takedown looks a prompt up without its account. */
export async function findAudioAnyAccount(db: Db | Tx, id: string): Promise<AudioRow | undefined> {
  return db.selectFrom('audio_prompts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAudio(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<AudioRow[]> {
  return accountPage(db, 'audio_prompts', accountId, limit, startingAfter);
}

/** Marks the prompt taken down unless it already is; answers whether this call did it. */
export async function markTakenDown(tx: Tx, id: string, at: string, reason: string): Promise<boolean> {
  const res = await tx
    .updateTable('audio_prompts')
    .set({ status: 'taken_down', taken_down_at: at, takedown_reason: reason, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function deleteAudioRow(tx: Tx, accountId: string, id: string): Promise<void> {
  await tx.deleteFrom('audio_prompts').where('account_id', '=', accountId).where('id', '=', id).execute();
}

export async function findAudioSettings(db: Db | Tx, accountId: string): Promise<AccountAudioSettingsTable | undefined> {
  return db.selectFrom('account_audio_settings').selectAll().where('account_id', '=', accountId).executeTakeFirst();
}

export async function saveHoldMusic(tx: Tx, accountId: string, audioId: string | null, at: string): Promise<void> {
  const updated = await tx.updateTable('account_audio_settings').set({ hold_music_audio_id: audioId, updated_at: at }).where('account_id', '=', accountId).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await tx.insertInto('account_audio_settings').values({ account_id: accountId, hold_music_audio_id: audioId, updated_at: at }).execute();
  }
}

/** Settings naming `audioId` as hold music drop it (a takedown): answers the accounts changed. */
export async function clearHoldMusicOf(tx: Tx, audioId: string, at: string): Promise<void> {
  await tx.updateTable('account_audio_settings').set({ hold_music_audio_id: null, updated_at: at }).where('hold_music_audio_id', '=', audioId).execute();
}
