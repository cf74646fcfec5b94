import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  // openapi-fetch stays a dependency rather than being bundled, so apps dedupe it.
  external: ['openapi-fetch'],
  treeshake: true,
});
