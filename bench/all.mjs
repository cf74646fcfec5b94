#!/usr/bin/env node
// `pnpm bench:all`: runs every bench in turn (each measures Prolope against a real peer in the same
// run) and prints one table: measure, ours, peer, ratio, target, met. Each bench's own output is
// shown as it runs; the table comes from the JSON line each prints with BENCH_JSON=1. Asserts
// nothing; exits non-zero when a bench could not measure. bench/speech has no peer (no other in-process
// recognizer to run): its rows have the targets only. BENCH_ALL=api,webhooks,cli,sip,pbx,flows,speech picks them.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const benches = (process.env.BENCH_ALL ?? 'api,webhooks,cli,sip,pbx,flows,speech').split(',').map((s) => s.trim());
const known = new Set(['api', 'webhooks', 'cli', 'sip', 'pbx', 'flows', 'speech']);
for (const b of benches) if (!known.has(b)) throw new Error(`BENCH_ALL lists api, webhooks, cli, sip, pbx, flows and speech; got "${b}"`);

function run(name) {
  return new Promise((resolve) => {
    const script = fileURLToPath(new URL(`./${name}/run.mjs`, import.meta.url));
    const child = spawn(process.execPath, [script], { env: { ...process.env, BENCH_JSON: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const rows = [];
    let rest = '';
    child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('{"measure"')) rows.push(JSON.parse(line));
        else console.log(line);
      }
    });
    child.on('close', (code) => resolve({ name, code, rows }));
  });
}

const started = new Date();
const results = [];
for (const name of benches) {
  console.log(`\n== bench/${name} ==`);
  results.push(await run(name));
}

const fmt = (v) => (v === null || v === undefined ? '-' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
const table = [['measure', 'ours', 'peer', 'ratio', 'target', 'met']];
for (const r of results) {
  if (r.code !== 0) table.push([`bench/${r.name}: could not measure (exit ${r.code})`, '-', '-', '-', '-', '-']);
  for (const row of r.rows) {
    // A ratio of times (cli) is met at or below its target; an absolute latency (p99 ms) below it.
    const below = row.ratio === null ? '<' : '<=';
    const target = row.target === null ? '-' : `${row.better === 'lower' ? below : '>='} ${row.target}`;
    table.push([row.measure, fmt(row.ours), fmt(row.peer), fmt(row.ratio), target, row.met === null ? '-' : row.met ? 'yes' : 'NO']);
  }
}
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
console.log(`\nbench:all ${started.toISOString()}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0].toFixed(2)}`);
for (const row of table) console.log(`| ${row.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ')} |`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
