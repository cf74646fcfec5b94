#!/usr/bin/env node
// Prints requests/s and p99 latency for an authenticated GET /v1/accounts/me and for a bare Fastify
// route, measured in one run on this machine, and their ratio (target: at least 0.5).
// Needs a build first (`pnpm build`); `pnpm bench` does both.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const target = fileURLToPath(new URL('./target.mjs', import.meta.url));

async function start(kind) {
  const child = fork(target, [kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${kind} target exited with ${code}`)));
  });
  return { child, ...info };
}

async function measure(kind) {
  const t = await start(kind);
  const headers = t.key ? { authorization: `Bearer ${t.key}` } : {};
  // A short warm-up so JIT and caches are in the same state for both targets.
  await autocannon({ url: t.url, headers, connections, duration: 2 });
  const r = await autocannon({ url: t.url, headers, connections, duration: seconds });
  t.child.kill();
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${kind}: ${r.non2xx} non-2xx and ${r.errors} errors`);
  return { kind, rps: r.requests.average, p99: r.latency.p99, total: r.requests.total };
}

const prolope = await measure('prolope');
const bare = await measure('bare');
const ratio = prolope.rps / bare.rps;
console.log(`bench/api: ${connections} connections, ${seconds} s each, node ${process.version}`);
for (const m of [prolope, bare]) {
  const label = m.kind === 'prolope' ? 'GET /v1/accounts/me (auth, SQLite)' : 'GET /bare (plain Fastify)';
  console.log(`  ${label.padEnd(38)} ${m.rps.toFixed(0).padStart(7)} req/s   p99 ${String(m.p99).padStart(4)} ms   (${m.total} requests)`);
}
console.log(`  ratio prolope/bare: ${ratio.toFixed(2)} (target >= 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`);
