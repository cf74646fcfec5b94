#!/usr/bin/env node
// Cold start of the `prolope` command line, against real peers measured in the same run: `node -e 0`
// (the floor: starting Node itself) and twilio-cli (also oclif). Prints the median wall time of
// each command and the ratios the target is about: `prolope --version` at most 2x `node -e 0`.
//
// Every round runs each command once, in an order that rotates from round to round, so a busy
// moment on the machine falls on all of them alike; the first BENCH_CLI_WARMUP rounds (default 3)
// fill the file cache and are not counted, then BENCH_CLI_RUNS rounds (default 30) are.
//
// twilio-cli: BENCH_CLI_TWILIO=<path to its bin/run> uses that one; otherwise it is installed with
// npm into BENCH_CLI_TWILIO_DIR (default bench/results/twilio-cli, kept for the next run), and
// skipped with a note if that fails (no network, say). It runs with HOME in that folder, so it
// does not write into yours, and without its update check.
// BENCH_CLI_COMPARE=<path to another prolope bin/run.js> also measures that build (e.g. an older
// commit), to see what a change did.
//
// Needs `pnpm build` first (`pnpm bench:cli` does both). Prints figures; asserts nothing, and exits
// non-zero only when the bench itself breaks (a command fails).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const env = process.env;
const num = (name, fallback) => {
  const v = Number(env[name] ?? fallback);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a whole number, got "${env[name]}"`);
  return v;
};
const runs = Math.max(1, num('BENCH_CLI_RUNS', 30));
const warmup = num('BENCH_CLI_WARMUP', 3);
const TARGET = 2;

const prolopeBin = fileURLToPath(new URL('../../packages/cli/bin/run.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../../packages/cli/dist/commands.js', import.meta.url)))) {
  console.error('bench/cli needs the CLI built first: npx -y pnpm@10 build (or pnpm bench:cli)');
  process.exit(2);
}

/** twilio-cli's bin/run, installed into the cache folder if needed; undefined (with the reason printed) when it cannot be had. */
function twilioBin() {
  if (env.BENCH_CLI_TWILIO) return { bin: env.BENCH_CLI_TWILIO, home: mkdtempSync(join(tmpdir(), 'bench-cli-twilio-home-')) };
  const dir = env.BENCH_CLI_TWILIO_DIR ?? fileURLToPath(new URL('../results/twilio-cli', import.meta.url));
  const bin = join(dir, 'node_modules/twilio-cli/bin/run');
  if (!existsSync(bin)) {
    console.log(`  installing twilio-cli into ${dir} (once; about 175 MB) …`);
    mkdirSync(dir, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const r = spawnSync(npm, ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', 'twilio-cli@6'], { stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(bin)) {
      console.log(`  twilio-cli could not be installed (npm exit ${r.status ?? r.error?.message}): its row and ratio are left out.`);
      return undefined;
    }
  }
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return { bin, home };
}

const configDir = mkdtempSync(join(tmpdir(), 'bench-cli-config-'));
const quiet = { ...env, PROLOPE_CONFIG_DIR: configDir, NO_COLOR: '1' };
delete quiet.PROLOPE_API_KEY;
delete quiet.PROLOPE_BASE_URL;
delete quiet.PROLOPE_PROFILE;

// What a user types most: the version, the help, and a command that does its work in the process
// (`sla due` computes offline), so the figure is loading and running, not a server's answer.
const typical = ['sla', 'due', '--severity', 'high', '--at', '2026-12-23T17:00:00+02:00'];
const commands = [
  { name: 'node -e 0', args: ['-e', '0'], silent: true },
  { name: 'prolope --version', args: [prolopeBin, '--version'] },
  { name: 'prolope --help', args: [prolopeBin, '--help'] },
  { name: `prolope ${typical.join(' ')}`, args: [prolopeBin, ...typical] },
];
if (env.BENCH_CLI_COMPARE) {
  const other = env.BENCH_CLI_COMPARE;
  commands.push(
    { name: 'compared build: --version', args: [other, '--version'] },
    { name: 'compared build: --help', args: [other, '--help'] },
    { name: 'compared build: sla due', args: [other, ...typical] },
  );
}
const twilio = twilioBin();
if (twilio) {
  const twilioEnv = { ...quiet, HOME: twilio.home, TWILIO_SKIP_NEW_VERSION_CHECK: 'true' };
  commands.push({ name: 'twilio --version', args: [twilio.bin, '--version'], env: twilioEnv });
}

function runOnce(command) {
  const start = performance.now();
  const r = spawnSync(process.execPath, command.args, { env: command.env ?? quiet, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0 || (!command.silent && !r.stdout)) throw new Error(`${command.name} failed (exit ${r.status}): ${r.stderr || r.error?.message}`);
  return ms;
}

const times = new Map(commands.map((c) => [c.name, []]));
try {
  for (let round = 0; round < warmup + runs; round++) {
    for (let i = 0; i < commands.length; i++) {
      const command = commands[(round + i) % commands.length];
      const ms = runOnce(command);
      if (round >= warmup) times.get(command.name).push(ms);
    }
  }
} catch (err) {
  console.error('bench/cli broke:', err.message);
  process.exit(1);
} finally {
  rmSync(configDir, { recursive: true, force: true });
  if (env.BENCH_CLI_TWILIO && twilio) rmSync(twilio.home, { recursive: true, force: true });
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)];
const stats = new Map(
  [...times].map(([name, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return [name, { p50: quantile(sorted, 0.5), p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9) }];
  }),
);
const version = JSON.parse(readFileSync(fileURLToPath(new URL('../../packages/cli/package.json', import.meta.url)), 'utf8')).version;
console.log(`bench/cli: prolope ${version}, node ${process.version}, ${runs} interleaved runs each (after ${warmup} warm-up rounds), wall time of the process`);
const width = Math.max(...commands.map((c) => c.name.length));
for (const c of commands) {
  const s = stats.get(c.name);
  console.log(`  ${c.name.padEnd(width)}  p50 ${s.p50.toFixed(0).padStart(5)} ms   p10 ${s.p10.toFixed(0).padStart(5)}   p90 ${s.p90.toFixed(0).padStart(5)}`);
}
const ratio = (a, b) => stats.get(a).p50 / stats.get(b).p50;
const node = 'node -e 0';
const v = ratio('prolope --version', node);
console.log(`  ratio prolope --version / node -e 0: ${v.toFixed(2)} (target <= ${TARGET}: ${v <= TARGET ? 'met' : 'NOT met'})`);
if (twilio) console.log(`  ratio prolope --version / twilio --version: ${ratio('prolope --version', 'twilio --version').toFixed(2)}`);
console.log(`  ratio prolope --help / node -e 0: ${ratio('prolope --help', node).toFixed(2)}`);
console.log(`  ratio prolope sla due / node -e 0: ${ratio(commands[3].name, node).toFixed(2)}`);
if (twilio) console.log(`  ratio prolope sla due / twilio --version: ${ratio(commands[3].name, 'twilio --version').toFixed(2)}`);
if (env.BENCH_JSON === '1') {
  // One line per measure for bench/all.mjs; times are better lower, so the target is a ceiling.
  const row = (measure, ours, peer, target) =>
    console.log(JSON.stringify({ measure, ours, peer, ratio: ours / peer, target, better: 'lower', met: target === null ? null : ours / peer <= target }));
  row('cli --version p50 ms vs node -e 0', stats.get('prolope --version').p50, stats.get(node).p50, TARGET);
  if (twilio) row('cli --version p50 ms vs twilio --version', stats.get('prolope --version').p50, stats.get('twilio --version').p50, null);
}
if (env.BENCH_CLI_COMPARE) {
  for (const [mine, other] of [
    ['prolope --version', 'compared build: --version'],
    ['prolope --help', 'compared build: --help'],
    [commands[3].name, 'compared build: sla due'],
  ]) {
    console.log(`  ratio ${mine.split(' ').slice(0, 3).join(' ')} / ${other}: ${ratio(mine, other).toFixed(2)}`);
  }
}
