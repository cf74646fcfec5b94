import { defineConfig } from 'tsup';
import { inlineContractTypes } from '../../scripts/tsup-contract.mjs';

export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts', compilerOptions: inlineContractTypes },
  clean: true,
  sourcemap: true,
});
