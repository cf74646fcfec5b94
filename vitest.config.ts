import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  // Tests run on the sources of the workspace packages, so the test command needs no build first.
  resolve: {
    alias: {
      '@prolope/rules': src('rules'),
      '@prolope/sdk': src('sdk'),
      '@prolope/webhooks': src('webhooks'),
      '@prolope/server': src('server'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker less than the cores: one on the 2-core CI machines, so every file
    // ran in turn. Most files wait on sockets (SIP calls, HTTP, PostgreSQL), not the CPU: three at once
    // halve the suite's time (691 s to 352 s measured) and keep CI well under 20 minutes.
    maxWorkers: 3,
  },
});
