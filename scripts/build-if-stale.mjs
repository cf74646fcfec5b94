// Builds a workspace package and the workspace packages it depends on, dependencies first, each only
// when its dist/ is missing or older than its sources. `pnpm start` and `scripts/prolope.mjs` use it,
// so a fresh clone runs after one build and every later run starts at once.
//
// Written here, not with `pnpm --filter pkg... build`: that rebuilds everything every time (tsup has no
// up-to-date check), and this must also run where pnpm is only reachable through npx.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(root, 'packages');

/**
 * Workspace packages by name: folder, main entry, the workspace packages it depends on, and whether it
 * has a build. One without (@prolope/contract: generated TypeScript read as is) is bundled into the
 * packages that use it, so it is never built itself and its sources count as theirs.
 */
function workspace() {
  const byName = new Map();
  for (const folder of readdirSync(packagesDir)) {
    const file = join(packagesDir, folder, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    const deps = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })
      .filter(([, range]) => String(range).startsWith('workspace:'))
      .map(([name]) => name);
    byName.set(pkg.name, { name: pkg.name, dir: join(packagesDir, folder), main: pkg.main ?? './dist/index.js', deps, builds: Boolean(pkg.scripts?.build) });
  }
  return byName;
}

/** `name` and everything it depends on in the workspace, dependencies first. */
function buildOrder(byName, name, seen = new Set(), order = []) {
  if (seen.has(name)) return order;
  seen.add(name);
  const pkg = byName.get(name);
  if (!pkg) throw new Error(`no workspace package named ${name}`);
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

function isStale(pkg, byName) {
  const main = join(pkg.dir, pkg.main);
  const types = main.replace(/\.js$/, '.d.ts');
  if (!existsSync(main) || !existsSync(types)) return true;
  const bundled = pkg.deps.map((dep) => byName.get(dep)).filter((dep) => dep && !dep.builds);
  const newest = Math.max(newestSource(pkg.dir), ...bundled.map((dep) => newestSource(dep.dir)));
  return Math.min(statSync(main).mtimeMs, statSync(types).mtimeMs) < newest;
}

/**
 * Builds `name` and its workspace dependencies where stale; exits the process with a message naming
 * the package when a build fails. `log` gets one line per package built.
 */
export function buildIfStale(name, log = (line) => process.stderr.write(`${line}\n`)) {
  const tsup = join(root, 'node_modules', '.bin', 'tsup');
  if (!existsSync(tsup)) {
    console.error('prolope: dependencies are not installed; run `npx -y pnpm@10 install` first.');
    process.exit(1);
  }
  const byName = workspace();
  for (const pkg of buildOrder(byName, name).filter((p) => p.builds && isStale(p, byName))) {
    log(`  Building ${pkg.name} (only when its sources changed)...`);
    const run = spawnSync(tsup, ['--silent'], { cwd: pkg.dir, stdio: ['ignore', 'inherit', 'inherit'] });
    if (run.status !== 0) {
      console.error(`prolope: the build of ${pkg.name} failed (above); fix it, then run the command again.`);
      process.exit(run.status ?? 1);
    }
  }
}
