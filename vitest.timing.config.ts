import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests that measure time (`*.timing.test.ts`, today the media workers' pacing with the main thread
 * blocked: issue 15's acceptance), run by `pnpm test` after the rest of the suite, one file at a time,
 * so nothing else of ours competes for the cores while they measure. Spread, not mergeConfig: merging
 * would add the suite's include list to this one.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['packages/*/src/**/*.timing.test.ts'],
    exclude: ['**/node_modules/**'],
    maxWorkers: 1,
    fileParallelism: false,
  },
});
