#!/usr/bin/env node
// bench/api: an authenticated GET /v1/accounts/me on Prolope (SQLite) against a bare Fastify route
// answering the same bytes, both running at once, measured in interleaved rounds (A B B A, A B B A ...)
// so that whatever else the machine does hits both sides alike. Prints requests/s, p99 and the ratio
// (target: at least 0.6). Asserts nothing; exits non-zero only when it could not measure.
// Needs a build first (`pnpm build`); `pnpm bench` does both.
//   BENCH_ROUNDS (default 6) rounds of BENCH_ROUND_SECONDS (default 2) per side, BENCH_CONNECTIONS (10),
//   BENCH_DATABASE_URL to run Prolope on PostgreSQL instead, BENCH_JSON=1 for one JSON line at the end.
//   BENCH_API_COMPARE=<another checkout> also measures that checkout's server build (built there first),
//   in the same rounds, to see what a change did.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

const num = (name, fallback) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got "${process.env[name]}"`);
  return v;
};
const rounds = num('BENCH_ROUNDS', 6);
const roundSeconds = num('BENCH_ROUND_SECONDS', 2);
const connections = num('BENCH_CONNECTIONS', 10);
const TARGET_RATIO = 0.6;
const target = fileURLToPath(new URL('./target.mjs', import.meta.url));

async function start(kind, env = {}) {
  const child = fork(target, [kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  const info = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${kind} target exited with ${code} before it was ready`)));
  });
  child.removeAllListeners('exit');
  return { child, kind, ...info, headers: info.key ? { authorization: `Bearer ${info.key}` } : {} };
}

async function load(t, duration) {
  const r = await autocannon({ url: t.url, headers: t.headers, connections, duration });
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
    throw new Error(`${t.kind}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  }
  return r;
}

const prolope = await start('prolope');
// The bare route answers exactly the bytes Prolope answers, so the ratio measures Prolope's work
// (auth, store, hooks, headers), not the cost of a different body.
const sample = await fetch(prolope.url, { headers: prolope.headers });
if (sample.status !== 200) throw new Error(`prolope answered ${sample.status} to the sample request`);
const body = await sample.text();
const bare = await start('bare', { BENCH_BARE_BODY: body });
const compareDir = process.env.BENCH_API_COMPARE;
const other = compareDir
  ? { ...(await start('prolope', { BENCH_SERVER_ENTRY: pathToFileURL(join(compareDir, 'packages/server/dist/index.js')).href })), kind: 'compared' }
  : undefined;
const targets = other ? [prolope, bare, other] : [prolope, bare];

try {
  // Warm-up: JIT, caches and sockets in the same state on both sides before anything counts.
  for (const t of targets) await load(t, 2);
  const totals = new Map(targets.map((t) => [t.kind, { requests: 0, seconds: 0, p99: [] }]));
  const roundRatios = [];
  for (let i = 0; i < rounds; i++) {
    // A B then B A: a drift that grows during a round pair hits both sides equally.
    const order = i % 2 === 0 ? targets : [...targets].reverse();
    const rate = {};
    for (const t of order) {
      const r = await load(t, roundSeconds);
      const tot = totals.get(t.kind);
      tot.requests += r.requests.total;
      tot.seconds += r.duration;
      tot.p99.push(r.latency.p99);
      rate[t.kind] = r.requests.total / r.duration;
    }
    roundRatios.push(rate.prolope / rate.bare);
  }
  const rps = (k) => totals.get(k).requests / totals.get(k).seconds;
  const p99 = (k) => Math.max(...totals.get(k).p99);
  const ratio = rps('prolope') / rps('bare');
  const sorted = [...roundRatios].sort((a, b) => a - b);
  console.log(`bench/api: ${rounds} interleaved rounds of ${roundSeconds} s per side, ${connections} connections, node ${process.version}`);
  const row = (label, k) => console.log(`  ${label.padEnd(40)} ${rps(k).toFixed(0).padStart(7)} req/s   worst-round p99 ${String(p99(k)).padStart(3)} ms`);
  row(`GET /v1/accounts/me (auth, ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite'})`, 'prolope');
  row(`GET /bare (plain Fastify, same body)`, 'bare');
  if (other) {
    row('the same on the compared build', 'compared');
    console.log(`  ratio compared/bare: ${(rps('compared') / rps('bare')).toFixed(2)}; this build/compared: ${(rps('prolope') / rps('compared')).toFixed(2)}`);
  }
  console.log(
    `  ratio prolope/bare: ${ratio.toFixed(2)} (rounds: min ${sorted[0].toFixed(2)}, max ${sorted.at(-1).toFixed(2)}; target >= ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`,
  );
  if (process.env.BENCH_JSON === '1') {
    console.log(JSON.stringify({ measure: 'api GET /v1/accounts/me req/s vs bare Fastify', ours: rps('prolope'), peer: rps('bare'), ratio, target: TARGET_RATIO, met: ratio >= TARGET_RATIO }));
  }
} finally {
  for (const t of targets) t.child.kill();
}
