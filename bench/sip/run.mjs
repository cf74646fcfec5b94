#!/usr/bin/env node
// Drives SIPp at rising call rates against the embedded SIP endpoint and prints, per rate, whether
// every call succeeded, how long calls lasted and how many were up at once with media. Each call is
// the full inbound flow: 401, digest, 183, 200, ACK, a spoken greeting as 20 ms PCMA, BYE from Prolope.
// Needs `pnpm build` first and SIPp (Debian sip-tester). Targets on a 2-core machine: 200 calls/s,
// 300 concurrent calls with media. Prints figures; asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (spawnSync('which', ['sipp']).status !== 0) {
  console.error('bench/sip needs sipp (apt-get install sip-tester)');
  process.exit(2);
}
const rates = (process.env.BENCH_SIP_RATES ?? '5,10,25,50,100,200').split(',').map(Number);
const seconds = Number(process.env.BENCH_SIP_SECONDS ?? 5);
const scenario = fileURLToPath(new URL('../../packages/server/src/calls/test-scenarios/inbound-greeting.xml', import.meta.url));

const target = fork(fileURLToPath(new URL('./target.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const t = await new Promise((resolve, reject) => {
  target.once('message', resolve);
  target.once('exit', (code) => reject(new Error(`target exited ${code}`)));
});

// The PBX's RTP goes to a socket that only counts packets: SIPp's own media port is not needed.
const sink = createSocket('udp4');
let rtpPackets = 0;
sink.on('message', () => rtpPackets++);
await new Promise((r) => sink.bind(0, '127.0.0.1', r));

async function callsSince(sinceId) {
  const res = await fetch(`${t.url}/v1/calls?limit=100`, { headers: { authorization: `Bearer ${t.key}` } });
  return (await res.json()).data.filter((c) => !sinceId || c.id > sinceId);
}

function sipp(rate, total) {
  const cwd = mkdtempSync(join(tmpdir(), 'prolope-bench-sipp-'));
  const args = ['-sf', scenario, '-s', t.to, '-set', 'from', t.from, '-set', 'rtpport', String(sink.address().port), '-set', 'codec', '8'];
  args.push('-au', t.username, '-ap', t.password, '-auth_uri', `${t.to}@127.0.0.1:${t.sipPort}`);
  args.push('-r', String(rate), '-m', String(total), '-l', '2000', '-timeout', `${seconds + 40}s`, '-nostdin', '-i', '127.0.0.1', '-p', '0');
  args.push(`127.0.0.1:${t.sipPort}`);
  return new Promise((resolve) => {
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, out });
    });
  });
}

console.log(`bench/sip: ${seconds} s per rate, inbound calls with digest, 183/200, greeting as PCMA 20 ms, BYE from Prolope`);
let best = 0;
let bestConcurrent = 0;
let last = (await callsSince(undefined))[0]?.id;
for (const rate of rates) {
  const total = rate * seconds;
  const before = rtpPackets;
  const started = Date.now();
  const run = await sipp(rate, total);
  const wall = (Date.now() - started) / 1000;
  // The CDRs of this run: only the last 100 are listed per page, which is enough for a sample.
  const cdrs = await callsSince(last);
  last = cdrs[0]?.id ?? last;
  const completed = cdrs.filter((c) => c.status === 'completed');
  const avg = completed.length ? completed.reduce((s, c) => s + (new Date(c.ended_at) - new Date(c.answered_at)) / 1000, 0) / completed.length : 0;
  const concurrent = Math.round(rate * avg);
  const ok = run.code === 0;
  console.log(
    `  ${String(rate).padStart(4)} calls/s x ${total} calls: ${ok ? 'all succeeded' : `FAILED calls (sipp exit ${run.code})`}, ` +
      `avg call ${avg.toFixed(1)} s, ~${concurrent} concurrent with media, ${rtpPackets - before} RTP packets in ${wall.toFixed(0)} s`,
  );
  if (!ok) break;
  best = rate;
  bestConcurrent = Math.max(bestConcurrent, concurrent);
}
console.log(`  highest rate with no failed call: ${best} calls/s (target 200); concurrent calls held with media: ~${bestConcurrent} (target 300)`);
sink.close();
target.send('exit');
