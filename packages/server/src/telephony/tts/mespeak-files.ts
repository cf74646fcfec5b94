import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

/**
 * Where the mespeak package keeps its engine, config and voices. Resolved from this module (works in
 * the tsup bundle and under vitest alike) and passed to the worker as absolute paths, because the
 * worker's eval'd code has no module location of its own to resolve from.
 */
export interface MespeakFiles {
  /** The CommonJS entry (`src/index.js`). */
  entry: string;
  /** The eSpeak data (`src/mespeak_config.json`, phoneme tables; ~0.6 MB). */
  config: string;
  /** Voice name (file name without `.json`: `en`, `en-us`, `de`, ...) -> absolute path. */
  voices: ReadonlyMap<string, string>;
}

let files: MespeakFiles | undefined;

/** Locates mespeak's files once; lists voices from its `voices/` folder so a new release's voices just appear. */
export function mespeakFiles(): MespeakFiles {
  if (files) return files;
  const require = createRequire(import.meta.url);
  // mespeak has no "exports" map, so its package.json is resolvable and gives us the package root.
  const root = dirname(require.resolve('mespeak/package.json'));
  const voices = new Map<string, string>();
  for (const entry of readdirSync(join(root, 'voices'), { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('.json')) voices.set(basename(entry, '.json').toLowerCase(), join(root, 'voices', entry));
  }
  files = { entry: join(root, 'src', 'index.js'), config: join(root, 'src', 'mespeak_config.json'), voices };
  return files;
}
