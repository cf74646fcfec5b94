#!/usr/bin/env node
// `pnpm start`: runs the built server (packages/server/dist/main.js), building it first only when it
// is missing or older than its sources (build-if-stale.mjs). The server's workspace dependencies
// (@prolope/sdk, @prolope/webhooks) are built before it, because its type declarations and its imports
// resolve to their dist/. On a fresh clone that is one build of about 15 s; later starts run at once.
//
// The root script is `exec node scripts/start.mjs`: without `exec`, the `sh -c` pnpm runs scripts in
// would die of Ctrl+C before the server finished closing, and pnpm would print ELIFECYCLE.
//
// The server runs in this process (imported, not spawned), so Ctrl+C or SIGTERM reaches its own
// handlers, it closes cleanly and exits 0, and pnpm has no failed child to report.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale, root } from './build-if-stale.mjs';

buildIfStale('@prolope/server', (line) => process.stdout.write(`${line}\n`));
await import(pathToFileURL(join(root, 'packages', 'server', 'dist', 'main.js')).href);
