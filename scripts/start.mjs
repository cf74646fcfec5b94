#!/usr/bin/env node
// `pnpm start`: runs the built server (packages/server/dist/main.js), building it first only when it
// is missing or older than its sources. The server's workspace dependencies (@prolope/sdk,
// @prolope/webhooks) are built before it, because its type declarations and its imports resolve to
// their dist/. On a fresh clone that is one build of about 15 s; every later start runs at once.
//
// The root script is `exec node scripts/start.mjs`: without `exec`, the `sh -c` pnpm runs scripts in
// would die of Ctrl+C before the server finished closing, and pnpm would print ELIFECYCLE.
//
// The server runs in this process (imported, not spawned), so Ctrl+C or SIGTERM reaches its own
// handlers, it closes cleanly and exits 0, and pnpm has no failed child to report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');

/** Workspace packages by name: folder and the workspace packages it depends on. */
function workspace() {
  const byName = new Map();
  for (const folder of readdirSync(packagesDir)) {
    const file = join(packagesDir, folder, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    const deps = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })
      .filter(([, range]) => String(range).startsWith('workspace:'))
      .map(([name]) => name);
    byName.set(pkg.name, { name: pkg.name, dir: join(packagesDir, folder), main: pkg.main ?? './dist/index.js', deps });
  }
  return byName;
}

/** `name` and everything it depends on in the workspace, dependencies first. */
function buildOrder(byName, name, seen = new Set(), order = []) {
  if (seen.has(name)) return order;
  seen.add(name);
  const pkg = byName.get(name);
  for (const dep of pkg.deps) buildOrder(byName, dep, seen, order);
  order.push(pkg);
  return order;
}

/** Newest modification time of the files a build reads (tests excluded: they do not reach dist/). */
function newestSource(dir) {
  let newest = 0;
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(dir, 'src'));
  for (const file of ['package.json', 'tsup.config.ts', 'tsconfig.json']) {
    if (existsSync(join(dir, file))) newest = Math.max(newest, statSync(join(dir, file)).mtimeMs);
  }
  return newest;
}

function isStale(pkg) {
  const main = join(pkg.dir, pkg.main);
  const types = main.replace(/\.js$/, '.d.ts');
  if (!existsSync(main) || !existsSync(types)) return true;
  return Math.min(statSync(main).mtimeMs, statSync(types).mtimeMs) < newestSource(pkg.dir);
}

const tsup = join(root, 'node_modules', '.bin', 'tsup');
if (!existsSync(tsup)) {
  console.error('prolope: dependencies are not installed; run `npx -y pnpm@10 install` first.');
  process.exit(1);
}
const stale = buildOrder(workspace(), '@prolope/server').filter(isStale);
for (const pkg of stale) {
  process.stdout.write(`  Building ${pkg.name} (only when its sources changed)...\n`);
  const run = spawnSync(tsup, ['--silent'], { cwd: pkg.dir, stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`prolope: the build of ${pkg.name} failed (above); fix it, then run the start command again.`);
    process.exit(run.status ?? 1);
  }
}

await import(pathToFileURL(join(packagesDir, 'server', 'dist', 'main.js')).href);
