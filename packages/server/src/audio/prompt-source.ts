import type { Db } from '../store/db.js';
import type { RecordingStore } from '../store/object-store.js';
import type { PromptPlaybacks } from '../telephony/verbs/prompt-playbacks.js';
import type { PromptSource } from '../telephony/verbs/verb-host.js';
import { readAlawWav } from './alaw-wav.js';
import type { PromptAudioCache } from './prompt-cache.js';
import { findAudio } from './store.js';
import { audioKey } from './view.js';

export interface PromptSourceDeps {
  db: Db;
  /** The object store the API keeps prompts in. */
  store: RecordingStore;
  /** This server's live playbacks, which the takedown stops. */
  playbacks: PromptPlaybacks;
  /** This server's decoded prompts, shared by its calls. */
  cache: PromptAudioCache;
}

/**
 * The stored prompts one account's calls may play. The playback is registered before the status is
 * read (see PromptPlaybacks), so a takedown racing with the start of a play never misses it.
 */
export function audioPromptSource(deps: PromptSourceDeps, accountId: string): PromptSource {
  return {
    async open(audioId, signal) {
      signal.throwIfAborted();
      const playback = deps.playbacks.start(audioId);
      try {
        const row = await findAudio(deps.db, accountId, audioId);
        if (row?.status !== 'active') {
          playback.release();
          return undefined;
        }
        const samples = await deps.cache.get(audioId, async () => {
          const file = await deps.store.get(audioKey(accountId, audioId));
          return file && readAlawWav(file);
        });
        if (!samples) {
          playback.release();
          return undefined;
        }
        return { samples, playback };
      } catch (err) {
        playback.release();
        throw err;
      }
    },
  };
}
