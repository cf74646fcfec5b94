import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Starts the longest test files first, by the seconds each took in a recorded run (test/durations.json,
 * written by `pnpm test:durations` after a full run). Vitest does this from its own cache, but CI runs on a fresh clone
 * that has none, and then it orders by file size: a 230 s file could start in the last minutes and hold
 * the run open alone (CI's suite took 19 minutes in that order and 14 in this one, on the same machine).
 * Files not in the list (new ones) go first, as vitest puts unknown files first.
 */
export default class DurationSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const durations = readDurations(new URL('./durations.json', import.meta.url));
    const seconds = (f: TestSpecification) => durations[relative(root, f.moduleId)] ?? Number.POSITIVE_INFINITY;
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}

function readDurations(file: URL): Record<string, number> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  } catch {
    return {}; // no recorded run: every file is new, and the order is vitest's own
  }
}
