#!/usr/bin/env node
// Prints webhook deliveries/s and the latency from state change to receipt at a local receiver, on
// SQLite and PostgreSQL (targets on this machine: 2,000 deliveries/s, p99 under 100 ms). The state
// change is the creation of an API key (POST /v1/api-keys, with an Idempotency-Key as the SDK sends),
// which records `api_key.created`; the receiver (receiver.mjs) verifies each delivery with the
// official `standardwebhooks` package and notes when it arrived. Three phases per store:
// - backlog: BENCH_WEBHOOKS_EVENTS changes are made while the server's delivery loop is off, then a
//   server with the loop on (as in production) starts on the same store and sends them: the rate at
//   which they reach the receiver is the delivery capacity, with no API traffic competing for the CPU.
// - burst: the same number of changes, as fast as BENCH_WEBHOOKS_CONNECTIONS clients can make them,
//   while deliveries go out: API and delivery share the machine, so deliveries/s is capped by both.
// - steady: BENCH_WEBHOOKS_RATE changes/s for BENCH_WEBHOOKS_SECONDS, below saturation: latency is
//   receipt time minus the event's created_at (taken when the change is made, before its commit).
// BENCH_WEBHOOKS_STORES=sqlite,postgres picks the stores; PostgreSQL is BENCH_PG_ADMIN_URL (default
// postgres://postgres@127.0.0.1:5432/postgres), where the bench makes a database of its own and drops it.
//
// Needs `pnpm build` first; `pnpm bench:webhooks` does both. Prints figures; asserts nothing, and
// exits non-zero only when the bench itself breaks.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgAdmin as pgAdminAt } from '../common/pg-admin.mjs';

const env = process.env;
const num = (name, fallback) => {
  const v = Number(env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got "${env[name]}"`);
  return v;
};
const EVENTS = num('BENCH_WEBHOOKS_EVENTS', 5000);
const CONNECTIONS = num('BENCH_WEBHOOKS_CONNECTIONS', 32);
const RATE = num('BENCH_WEBHOOKS_RATE', 200);
const SECONDS = num('BENCH_WEBHOOKS_SECONDS', 10);
const PHASES = env.BENCH_WEBHOOKS_PHASES ?? 'all';
if (PHASES !== 'all' && PHASES !== 'backlog') throw new Error(`BENCH_WEBHOOKS_PHASES is all or backlog, got "${PHASES}"`);
const stores = (env.BENCH_WEBHOOKS_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
if (!stores.every((s) => s === 'sqlite' || s === 'postgres'))
  throw new Error(`BENCH_WEBHOOKS_STORES lists sqlite and/or postgres, got "${env.BENCH_WEBHOOKS_STORES}"`);
const pgAdminUrl = env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGET_RATE = 2000;
// Prolope/peer deliveries/s targets (issue 15): durability costs more on PostgreSQL's round trips.
const TARGET_RATIO = { sqlite: 0.5, postgres: 0.35 };
// As many sends in flight as Prolope's delivery loop allows (events/delivery maxInFlight).
const PEER_IN_FLIGHT = 128;
const TARGET_P99_MS = 100;
// Long enough for any backlog this bench makes, short enough that a stuck run ends.
const DRAIN_TIMEOUT_MS = 120_000;
const OPERATOR_KEY = `pk_live_bench${'0'.repeat(28)}`;

const children = new Set();
function start(file, args, extraEnv) {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // BENCH_WEBHOOKS_PROFILE=dir writes a CPU profile of the server (target.mjs) there, to see where its time goes.
    execArgv: env.BENCH_WEBHOOKS_PROFILE && file === './target.mjs' ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_WEBHOOKS_PROFILE}`] : [],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
/** Sends a message (if any) and resolves with the child's next one. */
function ask(child, message) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`${child.spawnfile} exited (${code}) while the bench waited for it`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m);
    });
    if (message !== undefined) child.send(message);
  });
}
function exited(child) {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
}

const pgAdmin = (sql) => pgAdminAt(pgAdminUrl, sql);

/** Machine-wide busy share of all cores since the last call (Linux), to see what else ran. */
function machineCpu() {
  let last;
  const read = () => {
    try {
      const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
      const n = fields.map(Number);
      return { idle: n[3] + n[4], total: n.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  return () => {
    const now = read();
    const busy = last && now ? 1 - (now.idle - last.idle) / (now.total - last.total) : undefined;
    last = now;
    return busy;
  };
}

async function call(base, key, method, path, body, headers = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** One state change: an API key, whose creation records api_key.created. */
const change = (base, key, label) => call(base, key, 'POST', '/v1/api-keys', { name: label, scopes: ['contacts:read'] }, { 'idempotency-key': label });

/** `count` changes from `CONNECTIONS` clients, each sending its next as soon as the last is answered. */
async function asFastAsPossible(base, key, phase, count) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next < count) await change(base, key, `${phase} ${next++}`);
    }),
  );
  return { seconds: (performance.now() - started) / 1000 };
}

/** `rate` changes/s for `seconds`, each sent on its schedule whether or not earlier ones were answered (an open loop). */
async function paced(base, key, phase, rate, seconds) {
  const total = Math.round(rate * seconds);
  const started = performance.now();
  const pending = [];
  let worstLateMs = 0;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    worstLateMs = Math.max(worstLateMs, performance.now() - due);
    pending.push(change(base, key, `${phase} ${i}`));
  }
  await Promise.all(pending);
  return { total, worstLateMs };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Rate and latency from the receiver's notes: first receipt of each event; repeats are counted apart. */
function analyse({ receipts, unverified }) {
  const first = new Map();
  for (const [id, created, at] of receipts) if (!first.has(id)) first.set(id, { created, at });
  const arrivals = [...first.values()].map((r) => r.at).sort((a, b) => a - b);
  const latencies = [...first.values()].map((r) => r.at - r.created).sort((a, b) => a - b);
  const spanS = arrivals.length > 1 ? (arrivals[arrivals.length - 1] - arrivals[0]) / 1000 : Number.NaN;
  return {
    distinct: first.size,
    duplicates: receipts.length - first.size,
    unverified,
    firstAt: arrivals[0],
    lastAt: arrivals[arrivals.length - 1],
    rate: (arrivals.length - 1) / spanS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
  };
}

const ms = (v) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms` : 'n/a');
const pct = (v) => (v === undefined ? 'n/a' : `${Math.round(v * 100)} %`);

async function startTarget(storeEnv, mode) {
  const child = start('./target.mjs', mode ? [mode] : [], storeEnv);
  const { url } = await ask(child);
  return { child, url };
}
async function stopTarget(target) {
  target.child.send('exit');
  await exited(target.child);
}

async function waitFor(receiver, count) {
  const res = await ask(receiver, { type: 'wait', count, timeoutMs: DRAIN_TIMEOUT_MS });
  if (!res.done) console.log(`    (gave up after ${DRAIN_TIMEOUT_MS / 1000} s with ${res.distinct} of ${count} events received)`);
}

/** Deliveries/s of the bare signed sender for EVENTS events, measured at the receiver like Prolope's. */
async function peerRate(sender, receiver, { url, secret, template, label }) {
  await ask(receiver, { type: 'reset' });
  const { failed } = await ask(sender, { type: 'send', url, secret, template, count: EVENTS, inFlight: PEER_IN_FLIGHT, label });
  if (failed > 0) throw new Error(`the bare sender had ${failed} deliveries refused by the receiver`);
  await waitFor(receiver, EVENTS);
  return analyse(await ask(receiver, { type: 'report' })).rate;
}

async function benchStore(kind) {
  const label = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-bench-webhooks-'));
  let database;
  if (kind === 'postgres') {
    const name = `prolope_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    try {
      await pgAdmin(`create database ${name}`);
    } catch (err) {
      console.log(`${label}: skipped, ${pgAdminUrl} does not answer (${err.message}); set BENCH_PG_ADMIN_URL`);
      return undefined;
    }
    const url = new URL(pgAdminUrl);
    url.pathname = `/${name}`;
    database = { name, url: url.toString() };
  }
  // Every client is on loopback, so the per-address connection cap (a slow-loris defence) is off: the
  // steady phase's open loop holds more than 100 requests at once when the server falls behind.
  const storeEnv = { BENCH_DATA_DIR: dataDir, BENCH_PG_URL: database?.url ?? '', BENCH_OPERATOR_KEY: OPERATOR_KEY, PROLOPE_MAX_CONNECTIONS_PER_IP: '0' };
  const receiver = start('./receiver.mjs', []);
  const sender = start('./bare-sender.mjs', []);
  const cpu = machineCpu();
  let target;
  try {
    const { url: hookUrl } = await ask(receiver);
    await ask(sender);
    console.log(label);

    // Backlog: changes made with no delivery loop, then sent by a server started on the same store.
    target = await startTarget(storeEnv, 'noloop');
    const account = await call(target.url, OPERATOR_KEY, 'POST', '/v1/accounts', {
      name: 'Bench',
      legal_entity: { type: 'company', legal_name: 'Bench OOD', country: 'BG' },
      signatory: { name: 'B', email: 'b@example.com', confirms_age_18_or_over: true, confirms_authority: true },
    });
    const key = account.initial_api_key.secret;
    const endpoint = await call(target.url, key, 'POST', '/v1/webhook-endpoints', { url: hookUrl, enabled_events: ['api_key.created'] });
    await ask(receiver, { type: 'secret', secret: endpoint.secret });
    const filled = await asFastAsPossible(target.url, key, 'backlog', EVENTS);
    // The peer sends an event of the same shape and size as the ones Prolope delivers.
    const [template] = (await call(target.url, key, 'GET', '/v1/events?limit=1')).data;
    await stopTarget(target);
    // A warm-up run first, not counted: the sender's first run is cold (JIT, sockets) and measured half
    // its second. Then the bare sender before and after Prolope's backlog (A B A), so a drift of the
    // machine hits both.
    await peerRate(sender, receiver, { url: hookUrl, secret: endpoint.secret, template, label: `${kind}w` });
    const peerBefore = await peerRate(sender, receiver, { url: hookUrl, secret: endpoint.secret, template, label: `${kind}a` });
    await ask(receiver, { type: 'reset' });
    target = await startTarget(storeEnv);
    const startedAt = performance.timeOrigin + performance.now();
    await ask(target.child, 'mark');
    cpu();
    await waitFor(receiver, EVENTS);
    const drainCpu = await ask(target.child, 'mark');
    const drainBusy = cpu();
    const backlog = analyse(await ask(receiver, { type: 'report' }));
    console.log(
      `  backlog  ${EVENTS} changes made at ${(EVENTS / filled.seconds).toFixed(0)}/s with deliveries off; then ${backlog.distinct} delivered at ` +
        `${backlog.rate.toFixed(0)} deliveries/s (first ${ms(backlog.firstAt - startedAt)} after the server started)`,
    );
    console.log(
      `           server ${pct(drainCpu.cpuMs / drainCpu.wallMs)} of a core, event loop ${pct(drainCpu.elu)} busy; machine ${pct(drainBusy)} busy; ` +
        `${backlog.duplicates} repeats, ${backlog.unverified} not verified`,
    );
    // Per delivery, so that runs on a machine whose neighbours move the rates can still be compared.
    console.log(
      `           per delivery: server CPU ${(drainCpu.cpuMs / EVENTS).toFixed(3)} ms` +
        (kind === 'postgres' ? `, ${(drainCpu.statements / EVENTS).toFixed(3)} PostgreSQL statements` : ''),
    );
    const peerAfter = await peerRate(sender, receiver, { url: hookUrl, secret: endpoint.secret, template, label: `${kind}b` });
    const peer = (peerBefore + peerAfter) / 2;
    console.log(
      `  peer     a bare signed sender (undici, standardwebhooks, no store), same receiver: ${peerBefore.toFixed(0)} and ${peerAfter.toFixed(0)} deliveries/s ` +
        `before and after; Prolope/peer ${(backlog.rate / peer).toFixed(2)}`,
    );

    // BENCH_WEBHOOKS_PHASES=backlog: the backlog and its peer only, for comparing builds on a busy machine.
    if (PHASES === 'backlog') return { kind, label, backlog, peer };

    // Burst: changes as fast as the clients can make them while deliveries go out.
    await ask(receiver, { type: 'reset' });
    await ask(target.child, 'mark');
    cpu();
    const burstMade = await asFastAsPossible(target.url, key, 'burst', EVENTS);
    await waitFor(receiver, EVENTS);
    const burstCpu = await ask(target.child, 'mark');
    const burstBusy = cpu();
    const burst = analyse(await ask(receiver, { type: 'report' }));
    console.log(
      `  burst    ${EVENTS} changes at ${(EVENTS / burstMade.seconds).toFixed(0)}/s through the API, ${burst.distinct} delivered at ${burst.rate.toFixed(0)} deliveries/s; ` +
        `latency p50 ${ms(burst.p50)}, p99 ${ms(burst.p99)}, max ${ms(burst.max)}`,
    );
    console.log(
      `           server ${pct(burstCpu.cpuMs / burstCpu.wallMs)} of a core, event loop ${pct(burstCpu.elu)} busy; machine ${pct(burstBusy)} busy; ` +
        `${burst.duplicates} repeats, ${burst.unverified} not verified`,
    );

    // Steady: a rate below saturation, for the latency of one delivery.
    await ask(receiver, { type: 'reset' });
    await ask(target.child, 'mark');
    cpu();
    const steadyMade = await paced(target.url, key, 'steady', RATE, SECONDS);
    await waitFor(receiver, steadyMade.total);
    const steadyCpu = await ask(target.child, 'mark');
    const steadyBusy = cpu();
    const steady = analyse(await ask(receiver, { type: 'report' }));
    console.log(
      `  steady   ${RATE} changes/s for ${SECONDS} s: ${steady.distinct} delivered; latency p50 ${ms(steady.p50)}, p99 ${ms(steady.p99)}, max ${ms(steady.max)}` +
        ` (sending was up to ${ms(steadyMade.worstLateMs)} late)`,
    );
    console.log(
      `           server ${pct(steadyCpu.cpuMs / steadyCpu.wallMs)} of a core, event loop ${pct(steadyCpu.elu)} busy; machine ${pct(steadyBusy)} busy; ` +
        `${steady.duplicates} repeats, ${steady.unverified} not verified`,
    );
    return { kind, label, backlog, burst, steady, peer };
  } finally {
    if (target) await stopTarget(target).catch(() => undefined);
    receiver.send({ type: 'exit' });
    sender.send({ type: 'exit' });
    await Promise.all([exited(receiver), exited(sender)]);
    if (database) await pgAdmin(`drop database if exists ${database.name} with (force)`).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

console.log(
  `bench/webhooks: node ${process.version}, ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}; ${EVENTS} changes per phase, ` +
    `${CONNECTIONS} clients, steady ${RATE}/s for ${SECONDS} s; receiver on loopback`,
);
const results = [];
for (const kind of stores) {
  const r = await benchStore(kind);
  if (r) results.push(r);
}
console.log('summary');
for (const r of results) {
  const ratio = r.backlog.rate / r.peer;
  console.log(
    `  ${r.label.padEnd(10)} Prolope/bare signed sender ${ratio.toFixed(2)} (target >= ${TARGET_RATIO[r.kind]}: ${ratio >= TARGET_RATIO[r.kind] ? 'met' : 'NOT met'})`,
  );
  if (env.BENCH_JSON === '1') {
    console.log(
      JSON.stringify({
        measure: `webhooks ${r.label} deliveries/s`,
        ours: r.backlog.rate,
        peer: r.peer,
        ratio,
        target: TARGET_RATIO[r.kind],
        met: ratio >= TARGET_RATIO[r.kind],
      }),
    );
    if (r.steady)
      console.log(
        JSON.stringify({
          measure: `webhooks ${r.label} p99 at ${RATE}/s (ms)`,
          ours: r.steady.p99,
          peer: null,
          ratio: null,
          target: TARGET_P99_MS,
          better: 'lower',
          met: r.steady.p99 < TARGET_P99_MS,
        }),
      );
  }
  if (!r.steady) continue;
  const rateMet = r.backlog.rate >= TARGET_RATE;
  const p99Met = r.steady.p99 < TARGET_P99_MS;
  console.log(
    `  ${r.label.padEnd(10)} ${r.backlog.rate.toFixed(0).padStart(5)} deliveries/s (target ${TARGET_RATE}: ${rateMet ? 'met' : 'NOT met'}), ` +
      `burst ${r.burst.rate.toFixed(0)}/s; p50/p99 at ${RATE}/s ${ms(r.steady.p50)}/${ms(r.steady.p99)} (target p99 < ${TARGET_P99_MS} ms: ${p99Met ? 'met' : 'NOT met'})`,
  );
}
