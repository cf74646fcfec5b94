import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { ProblemError } from '../errors.js';
import type { Schema } from '../http/contract.js';
import type { Db, Tx } from '../store/db.js';
import { findAudio, findAudioSettings, saveHoldMusic } from './store.js';

export type HoldMusic = Schema<'HoldMusic'>;

export async function getHoldMusic(deps: Pick<Deps, 'db'>, accountId: string): Promise<HoldMusic> {
  const settings = await findAudioSettings(deps.db, accountId);
  return { object: 'hold_music' as const, audio_id: settings?.hold_music_audio_id ?? null, updated_at: settings?.updated_at ?? null };
}

/** Chooses the account's hold music: an active prompt of the account, or null for none. */
export async function setHoldMusic(deps: Pick<Deps, 'db' | 'clock'>, accountId: string, audioId: string | null): Promise<HoldMusic> {
  if (audioId !== null) {
    const row = await findAudio(deps.db, accountId, audioId);
    if (!row) throw new ProblemError('invalid_reference', `No audio prompt ${audioId} on this account; upload one with POST /v1/audio first.`, { param: '/body/audio_id' });
    if (row.status !== 'active') {
      throw new ProblemError('audio_taken_down', `${audioId} was taken down by the operator (terms 10.3) and can no longer be played; choose another prompt.`, { param: '/body/audio_id' });
    }
  }
  const at = iso(deps.clock.now());
  await deps.db.transaction().execute((tx: Tx) => saveHoldMusic(tx, accountId, audioId, at));
  return { object: 'hold_music' as const, audio_id: audioId, updated_at: at };
}

/**
 * The audio id of the account's hold music when it may play, else undefined (none chosen, or taken
 * down since). For the hold feature (issue 17 item 6): open it through the call's PromptSource
 * (`audioPromptSource(...).open(id, signal)`) so a takedown stops hold music like any other playback.
 *
 * @example
 * const id = await holdMusicFor(deps.db, call.account_id);
 * const opened = id ? await prompts.open(id, signal) : undefined;
 */
export async function holdMusicFor(db: Db, accountId: string): Promise<string | undefined> {
  const settings = await findAudioSettings(db, accountId);
  const id = settings?.hold_music_audio_id;
  if (!id) return undefined;
  const row = await findAudio(db, accountId, id);
  return row?.status === 'active' ? id : undefined;
}
