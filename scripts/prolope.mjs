#!/usr/bin/env node
// The `prolope` CLI from this checkout, built on first use: `alias prolope="node $PWD/scripts/prolope.mjs"`
// (or `npx -y pnpm@10 prolope ...`). It builds the CLI and the workspace packages it depends on only
// when their sources changed, then runs the CLI's own bin in this process, so its exit code and its
// handling of Ctrl+C are the CLI's. Build lines go to stderr: stdout stays the command's output.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfStale, root } from './build-if-stale.mjs';

buildIfStale('prolope');
await import(pathToFileURL(join(root, 'packages', 'cli', 'bin', 'run.js')).href);
