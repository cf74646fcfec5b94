import { defineConfig } from 'tsup';
import { inlineContractTypes } from '../../scripts/tsup-contract.mjs';

// @prolope/rules, @prolope/sdk and @prolope/server stay external: they are real dependencies of the
// package, so npm installs them once and apps that also use the SDK (which depends on the rules) share them. The server in particular must
// not be bundled (better-sqlite3 is a native module), and `prolope dev` imports it lazily, so the
// other commands never load Fastify or SQLite. @oclif/core is external for the same reason.
export default defineConfig({
  entry: ['src/index.ts', 'src/commands.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts', compilerOptions: inlineContractTypes },
  clean: true,
  sourcemap: true,
  external: ['@prolope/rules', '@prolope/sdk', '@prolope/server', '@oclif/core'],
});
