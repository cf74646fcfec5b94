import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The tests Stryker runs against each mutant: those of the two mutated packages, nothing else.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['packages/rules/src/**/*.test.ts', 'packages/webhooks/src/**/*.test.ts'],
  },
});
