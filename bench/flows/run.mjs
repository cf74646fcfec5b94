#!/usr/bin/env node
// bench/flows: how long validating a real-world-sized flow takes (issue 18: a 60-node flow validates in
// under 50 ms). The flow is packages/rules/fixtures/sixty-node-flow.json (business hours, a main menu,
// submenus, gathers, http lookups, transfers, voicemail). Two measures:
//   - pure lint: lintFlow in this process, as `prolope flows lint` and the SDK run it;
//   - the server: POST /v1/flows/{id}/validate over HTTP on loopback, which also looks up every object
//     the flow names in the account (one query per kind). The account has each object, so the answer
//     is `valid: true`. BENCH_FLOWS_STORES=sqlite,postgres (the default) picks the stores; PostgreSQL is
//     BENCH_PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), where the bench makes a
//     database of its own and drops it (skipped with a note when it does not answer).
// Prints the median and p99 of each; the target is on p99. Asserts nothing; exits non-zero only when it
// could not measure. Needs a build first (`pnpm bench:flows` does both).
//   BENCH_FLOWS_RUNS (default 500) lint runs, BENCH_FLOWS_REQUESTS (default 200) validate requests,
//   BENCH_JSON=1 for one JSON line per measure (bench/all.mjs reads them).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { apiCaller, createBenchAccount } from '../common/bench-account.mjs';
import { envNumber } from '../common/env-number.mjs';
import { pgAdmin as pgAdminAt } from '../common/pg-admin.mjs';
import { toneWav } from '../common/tone-wav.mjs';

const TARGET_MS = 50;
const runs = envNumber('BENCH_FLOWS_RUNS', 500);
const requests = envNumber('BENCH_FLOWS_REQUESTS', 200);
const env = process.env;
const stores = (env.BENCH_FLOWS_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
for (const s of stores) if (s !== 'sqlite' && s !== 'postgres') throw new Error(`BENCH_FLOWS_STORES lists sqlite and postgres; got "${s}"`);
const pgAdminUrl = env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const pgAdmin = (sql) => pgAdminAt(pgAdminUrl, sql);

const { lintFlow, referencedIds } = await import(new URL('../../packages/rules/dist/index.js', import.meta.url).href);
const { startServer } = await import('@prolope/server');
const fixture = JSON.parse(readFileSync(new URL('../../packages/rules/fixtures/sixty-node-flow.json', import.meta.url), 'utf8'));
const nodeCount = Object.keys(fixture.nodes).length;

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}

/** A 0.2 s 440 Hz tone as a base64 WAV (8 kHz, 16-bit mono), for the audio prompts the flow plays. */

/** Creates one object of the account for each id the flow names and answers the flow with the real ids. */
async function withAccountObjects(api, key, flow) {
  const wanted = referencedIds(flow);
  const real = new Map();
  const sipUser = async (name) => (await api(key, 'POST', '/v1/sip-users', { username: name.replace(/[^a-z0-9]/gi, '').toLowerCase() })).id;
  for (const id of wanted.audio_prompt ?? []) {
    real.set(id, (await api(key, 'POST', '/v1/audio', { name: id, content_base64: toneWav({ seconds: 0.2, hz: 440, amplitude: 8000 }).toString('base64'), rights_declaration: { accepted: true } })).id);
  }
  for (const id of wanted.schedule ?? []) {
    real.set(id, (await api(key, 'POST', '/v1/schedules', { name: id, time_zone: 'Europe/Sofia', hours: [{ days: ['mon'], open: '09:00', close: '17:00' }] })).id);
  }
  for (const id of wanted.voicemail_box ?? []) real.set(id, (await api(key, 'POST', '/v1/voicemail-boxes', { name: id, pin: '1234' })).id);
  for (const id of wanted.sip_user ?? []) real.set(id, await sipUser(id));
  const member = await sipUser('ringgroupmember');
  for (const id of wanted.ring_group ?? []) real.set(id, (await api(key, 'POST', '/v1/ring-groups', { name: id, members: [{ sip_user_id: member }] })).id);
  for (const id of wanted.flow ?? []) {
    const sub = await api(key, 'POST', '/v1/flows', { name: id, definition: { start: 'r', nodes: { r: { type: 'return', values: { status: 'ok' } } } } });
    await api(key, 'POST', `/v1/flows/${sub.id}/publish`);
    real.set(id, sub.id);
  }
  let json = JSON.stringify(flow);
  for (const [from, to] of real) json = json.replaceAll(JSON.stringify(from), JSON.stringify(to));
  return JSON.parse(json);
}

const rows = [];
const report = (measure, times) => {
  const { median, p99 } = summary(times);
  const met = p99 < TARGET_MS;
  console.log(`  ${measure.padEnd(58)} median ${median.toFixed(2).padStart(6)} ms   p99 ${p99.toFixed(2).padStart(6)} ms (target p99 < ${TARGET_MS} ms: ${met ? 'met' : 'NOT met'})`);
  rows.push({ measure: `${measure} p99 (ms)`, ours: p99, peer: null, ratio: null, target: TARGET_MS, better: 'lower', met });
};

console.log(`bench/flows: validating a ${nodeCount}-node flow, node ${process.version}`);

// Pure lint: a warm-up (JIT) not counted, then every run timed on its own.
for (let i = 0; i < 50; i++) lintFlow(fixture);
const lintTimes = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const problems = lintFlow(fixture);
  lintTimes.push(performance.now() - t0);
  if (problems.length > 0) throw new Error(`the fixture has problems: ${JSON.stringify(problems)}`);
}
report(`flows lint ${nodeCount} nodes (pure, ${runs} runs)`, lintTimes);

for (const kind of stores) {
  const label = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  let database;
  if (kind === 'postgres') {
    const name = `prolope_bench_flows_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    try {
      await pgAdmin(`create database ${name}`);
    } catch (err) {
      console.log(`  ${label}: skipped, ${pgAdminUrl} does not answer (${err.message}); set BENCH_PG_ADMIN_URL`);
      continue;
    }
    const url = new URL(pgAdminUrl);
    url.pathname = `/${name}`;
    database = { name, url: url.toString() };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-bench-flows-'));
  const server = await startServer({
    config: { port: 0, host: '127.0.0.1', dataDir, databaseUrl: database?.url, rateLimitPerSecond: 0, sipEnabled: false },
    logger: false,
  });
  try {
    const api = apiCaller(server.url);
    const account = await createBenchAccount(api, server.createdOperatorKey, 'Bench flows');
    const key = account.initial_api_key.secret;
    const definition = await withAccountObjects(api, key, fixture);
    const flow = await api(key, 'POST', '/v1/flows', { name: 'Sixty nodes', definition });
    const validate = () => api(key, 'POST', `/v1/flows/${flow.id}/validate`, {});
    for (let i = 0; i < 20; i++) await validate();
    const times = [];
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      const answer = await validate();
      times.push(performance.now() - t0);
      if (!answer.valid || answer.problems.length > 0) throw new Error(`the server found problems: ${JSON.stringify(answer.problems)}`);
    }
    report(`flows POST validate ${nodeCount} nodes (${label}, ${requests} requests)`, times);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (database) await pgAdmin(`drop database if exists ${database.name}`);
  }
}

if (env.BENCH_JSON === '1') for (const row of rows) console.log(JSON.stringify(row));
