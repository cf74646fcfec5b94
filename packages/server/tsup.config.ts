import { defineConfig } from 'tsup';
import { inlineContractTypes } from '../../scripts/tsup-contract.mjs';

export default defineConfig({
  // The media worker is its own file: worker threads start from a file (see telephony/media/worker/worker-entry.ts).
  entry: { index: 'src/index.ts', main: 'src/main.ts', 'media-worker': 'src/telephony/media/worker/media-worker.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts', compilerOptions: inlineContractTypes },
  clean: true,
  sourcemap: true,
});
