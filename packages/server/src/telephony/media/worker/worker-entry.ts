/**
 * How to start a media worker. From the build (dist/), the worker is the plain ESM file tsup emits
 * beside this code (entry `media-worker` in tsup.config.ts). From the TypeScript sources (vitest,
 * `pnpm dev` under tsx), there is no JS file to start and a worker does not inherit the loader that
 * runs the sources, so a two-line bootstrap registers tsx in the worker and imports media-worker.ts.
 * tsx is a devDependency: only the sources need it, and only the built file runs in production.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export function startMediaWorker(options: WorkerOptions = {}): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./media-worker.js', here), options);
  const entry = new URL('./media-worker.ts', here).href;
  // tsx's ESM API (the package's `import` condition; require.resolve gives its CommonJS twin).
  const tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}));`;
  return new Worker(bootstrap, { ...options, eval: true });
}
