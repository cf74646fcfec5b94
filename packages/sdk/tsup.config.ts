import { defineConfig } from 'tsup';
import { inlineContractTypes } from '../../scripts/tsup-contract.mjs';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: { compilerOptions: inlineContractTypes },
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'neutral',
  // openapi-fetch stays a dependency rather than being bundled, so apps dedupe it.
  external: ['openapi-fetch'],
  treeshake: true,
});
