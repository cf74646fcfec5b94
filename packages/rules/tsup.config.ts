import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Pure functions with no Node API: the SDK that re-exports them runs in browsers too.
  platform: 'neutral',
  treeshake: true,
});
