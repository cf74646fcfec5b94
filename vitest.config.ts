import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import DurationSequencer from './test/sequencer.js';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));
const generated = fileURLToPath(new URL('./packages/contract/src/generated/', import.meta.url));

export default defineConfig({
  // Tests run on the sources of the workspace packages, so the test command needs no build first.
  resolve: {
    alias: [
      { find: '@prolope/sdk', replacement: src('sdk') },
      { find: '@prolope/webhooks', replacement: src('webhooks') },
      { find: '@prolope/server', replacement: src('server') },
      // The contract is imported by subpath (its package.json `exports`): each is one generated file.
      { find: /^@prolope\/contract\/openapi\.json$/, replacement: `${generated}openapi.json` },
      { find: /^@prolope\/contract\/([a-z-]+)$/, replacement: `${generated}$1.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    // Tests that measure time (`*.timing.test.ts`) run after these, alone, with vitest.timing.config.ts:
    // beside three busy test files their figures would be the machine's, not the code's.
    exclude: ['**/node_modules/**', '**/*.timing.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker less than the cores: one on the 2-core CI machines, so every file
    // ran in turn. Most files wait on sockets (SIP calls, HTTP, PostgreSQL), not the CPU: three at once
    // halve the suite's time (691 s to 352 s measured) and keep CI well under 20 minutes.
    maxWorkers: 3,
    // The longest files first, from a recorded run (test/sequencer.ts): CI's fresh clone has no cache.
    sequence: { sequencer: DurationSequencer },
    // A worker keeps its loaded modules from one test file to the next: most files import the whole
    // server, and loading it again for each of 264 files was a third of the suite's CPU time. Test
    // files share no state through modules (every server, store and clock is made by the test).
    isolate: false,
  },
});
