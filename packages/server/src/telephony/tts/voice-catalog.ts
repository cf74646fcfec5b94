import { readFileSync } from 'node:fs';
import { pickTtsEngine, type TtsEngineChoice } from './default-engine.js';
import { espeakNgEngine } from './espeak-ng-engine.js';
import { mespeakFiles } from './mespeak-files.js';

/** The engines a server can speak with. */
export type TtsEngineName = 'espeak-ng' | 'mespeak';

/** One voice as `GET /v1/tts/voices` lists it. */
export interface TtsVoiceInfo {
  /** What `say` takes as `voice`. */
  name: string;
  /** The primary BCP 47 subtag of the language it speaks (`bg`, `en`): what `say` takes as `language`. */
  language: string;
  engine: TtsEngineName;
  /** The engine's own name for the voice. */
  description: string;
  /** True when `say` speaks with this voice's engine on this server. */
  active: boolean;
}

/** Lists the voices of every engine this machine has; built once per app, the list is read once. */
export interface TtsVoiceCatalog {
  /** Active engine first, then by language and name. */
  list(): Promise<TtsVoiceInfo[]>;
}

/** Options for {@link ttsVoiceCatalog}: the same as `defaultTtsEngine`'s, so both agree on the active engine. */
export interface TtsVoiceCatalogOptions {
  engine?: TtsEngineChoice;
  pathEnv?: string;
}

/**
 * The voices `say` can use: espeak-ng's (when it is on PATH: its `--voices` table) and the bundled
 * mespeak's (its voice files), each marked active when `defaultTtsEngine` with the same options would
 * pick that engine. Both are listed, so a customer sees that Bulgarian comes only with espeak-ng.
 */
export function ttsVoiceCatalog(options: TtsVoiceCatalogOptions = {}): TtsVoiceCatalog {
  let voices: Promise<TtsVoiceInfo[]> | undefined;
  const load = async (): Promise<TtsVoiceInfo[]> => {
    const picked = pickTtsEngine(options);
    const command = picked.engine === 'espeak-ng' ? picked.command : undefined;
    const all: TtsVoiceInfo[] = [];
    if (command) {
      // Its own instance: listing spawns `espeak-ng --voices` once and never synthesises.
      for (const row of await espeakNgEngine({ command }).voiceTable()) {
        all.push({ name: row.name, language: primarySubtag(row.name), engine: 'espeak-ng', description: row.description, active: true });
      }
    }
    for (const [name, path] of mespeakFiles().voices) {
      all.push({ name, language: primarySubtag(name), engine: 'mespeak', description: mespeakVoiceName(path) ?? name, active: !command });
    }
    return all.sort((a, b) => Number(b.active) - Number(a.active) || a.language.localeCompare(b.language) || a.name.localeCompare(b.name));
  };
  return {
    list() {
      voices ??= load().catch((err: unknown) => {
        voices = undefined; // a failed listing is tried again next time
        throw err;
      });
      return voices;
    },
  };
}

/** `en-gb-x-rp` -> `en`; `zls/bg` -> `bg`. */
function primarySubtag(name: string): string {
  return (name.split('/').pop() ?? name).split(/[-+]/)[0]!.toLowerCase();
}

/** The `name` line of a mespeak voice file (`english-us`), which is base64 in its `voice` field. */
function mespeakVoiceName(path: string): string | undefined {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as { voice?: unknown };
    if (typeof file.voice !== 'string') return undefined;
    const text = Buffer.from(file.voice, 'base64').toString('utf8');
    return /^name\s+(\S+)/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}
