#!/usr/bin/env node
// bench/pbx: Prolope as a PBX: its registrar against Kamailio, its bridged calls against rtpengine, in the same run.
//
// Phases (BENCH_PBX_MODE=register|held|all, default all; docs/bench.md has them):
// - register: REGISTER/s with digest. The same SIPp load (register.xml: REGISTER, 401, REGISTER with
//   digest, 200; users in turn from an injection file) against Prolope (embedded backend, SQLite) and
//   Kamailio (kamailio.mjs: registrar + usrloc in memory, auth_db on a db_text table of the same users,
//   realm and HA1s). Every user registers once on each side first (a warm-up, so Kamailio has loaded
//   its table and both sides hold the same bindings); then rate steps BENCH_PBX_RATES of
//   BENCH_PBX_SECONDS each, the two sides in turns (A B, then B A at the next rate), each side stopping
//   at its first failed registration or step it falls behind in. Per side: the highest REGISTER/s
//   reached (successful / SIPp's wall time) in a step with no failure that kept up (>= 90 % of the rate asked); the ratio Prolope / Kamailio against the target 0.3.
// - held: BENCH_PBX_USERS (10,000) users registered on Prolope (as fast as it answers), then refreshed
//   every BENCH_PBX_REFRESH_SECONDS (300: 33 REGISTER/s) for BENCH_PBX_HOLD_SECONDS (300), with memory
//   (RSS, heap after a full GC) and the live bindings sampled every BENCH_PBX_SAMPLE_SECONDS; start,
//   middle and end of the hold, and whether memory stayed flat.
// - bridged: concurrent user-to-user calls with media through Prolope's B2BUA against the same count
//   relayed by rtpengine, in steps BENCH_PBX_CALLS (50,100,200,300), the two sides in turns, each
//   side stopping at its first step not held within p99 |interval - 20 ms| <= 5 ms each way and no
//   loss (bridged.mjs has how). Uses the last 2 × the largest step of the users, which no other phase
//   registered before it (in `all` it runs before held).
//
// Needs `pnpm build`, SIPp (Debian sip-tester), Kamailio (Debian kamailio) for register and rtpengine
// (Debian rtpengine-daemon) for bridged. Prints figures; asserts nothing; exits non-zero when it
// could not measure.
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { apiCaller } from '../common/bench-account.mjs';
import { envNumber } from '../common/env-number.mjs';
import { runBridged } from './bridged.mjs';
import { haveKamailio, startKamailio } from './kamailio.mjs';

const env = process.env;
const num = envNumber;
const mode = env.BENCH_PBX_MODE ?? 'all';
const modes = { register: ['register'], held: ['held'], bridged: ['bridged'], all: ['register', 'bridged', 'held'] };
if (!modes[mode]) throw new Error(`BENCH_PBX_MODE must be register, held, bridged or all, got "${mode}"`);
const runs = new Set(modes[mode]);
// Only the tools the phases asked for: Kamailio for register, rtpengine for bridged.
for (const [tool, pkg, phase] of [
  ['sipp', 'sip-tester'],
  ['kamailio', 'kamailio', 'register'],
  ['rtpengine', 'rtpengine-daemon', 'bridged'],
]) {
  if (phase && !runs.has(phase)) continue;
  if (tool === 'kamailio' ? !haveKamailio() : spawnSync('which', [tool]).status !== 0) {
    console.error(`bench/pbx needs ${tool}: apt-get install ${pkg} (docs/bench.md lists what the benches need)`);
    process.exit(2);
  }
}
const callSteps = (env.BENCH_PBX_CALLS ?? '50,100,200,300').split(',').map(Number);
if (!callSteps.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`BENCH_PBX_CALLS must list whole numbers of calls, got "${env.BENCH_PBX_CALLS}"`);
const callHoldSeconds = num('BENCH_PBX_CALL_HOLD_SECONDS', 10);
const callRate = num('BENCH_PBX_CALL_RATE', 20);
// BENCH_PBX_CALL_EVERY_STEP=1: run every step even past a side's first miss (a smoke run on a busy machine).
const callEveryStep = env.BENCH_PBX_CALL_EVERY_STEP === '1';
// Bridged alone needs only its callers and callees; the other phases 10,000 users.
const users = Math.round(num('BENCH_PBX_USERS', runs.has('held') || runs.has('register') ? 10_000 : 2 * Math.max(...callSteps)));
const registerUsers = Math.min(users, Math.round(num('BENCH_PBX_REGISTER_USERS', 1000)));
const rates = (env.BENCH_PBX_RATES ?? '50,100,200,400,800,1600,3200').split(',').map(Number);
if (!rates.every((r) => Number.isFinite(r) && r > 0)) throw new Error(`BENCH_PBX_RATES must list positive numbers, got "${env.BENCH_PBX_RATES}"`);
const seconds = num('BENCH_PBX_SECONDS', 5);
const children = Math.round(num('BENCH_PBX_KAMAILIO_CHILDREN', 2));
const holdSeconds = num('BENCH_PBX_HOLD_SECONDS', 300);
const refreshSeconds = num('BENCH_PBX_REFRESH_SECONDS', 300);
const FILL_IN_FLIGHT = 10;
const sampleSeconds = num('BENCH_PBX_SAMPLE_SECONDS', 30);
const TARGET_REGISTER_RATIO = 0.3;
// A step counts when it reached this share of the rate asked (SIPp's wall time includes the last answers).
const KEEP_UP = 0.9;
// Flat: RSS and heap at the end within this share of their value at the start of the hold.
const FLAT_GROWTH_PCT = 10;
const scenario = fileURLToPath(new URL('./register.xml', import.meta.url));
const json = (row) => env.BENCH_JSON === '1' && console.log(JSON.stringify(row));
const f = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
/** SIPp's error log, only its lines on aborted registrations (it also logs late answers to finished ones). */
const aborted = (errors) =>
  errors
    .split('\n')
    .filter((l) => l.includes('Aborting call'))
    .slice(0, 3)
    .map((l) => l.replace(/^\S+\s+\S+\s+\S+\s+/, ''))
    .join(' | ');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Prolope, SIPp and Kamailio ahead of other work on a shared machine (BENCH_PBX_PRIORITY=0: leave them).
const raise = (pid) => {
  if (env.BENCH_PBX_PRIORITY === '0') return;
  try {
    setPriority(pid, -5);
  } catch {}
};

let stopping = false;
const stops = [];
function stopAll() {
  stopping = true;
  for (const stop of stops.splice(0)) stop();
}
function fail(err) {
  console.error('bench/pbx could not measure:', err);
  stopAll();
  process.exit(1);
}

const target = fork(fileURLToPath(new URL('./target.mjs', import.meta.url)), [], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  env: { ...env, BENCH_PBX_USERS: String(users) },
  execArgv: [...process.execArgv, '--expose-gc'],
});
target.on('exit', (code) => {
  if (!stopping) fail(new Error(`target.mjs exited ${code}`));
});
stops.push(() => target.connected && target.send('exit'));
raise(target.pid);
const ask = (message) =>
  new Promise((resolve) => {
    target.once('message', resolve);
    if (message) target.send(message);
  });

const CLOCK_TICKS = 100;
/** CPU seconds used so far by these processes (all threads). */
function cpuSeconds(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      sum += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {}
  }
  return sum;
}
/** Resident memory of these processes, MiB (Kamailio's shared memory counts once per process that touched it: an upper bound). */
function rssMiB(pids) {
  let kib = 0;
  for (const pid of pids) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {}
  }
  return kib / 1024;
}

/** SIPp's last statistics row (-trace_stat), by column name. */
function lastStats(file) {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(';'));
  const head = rows[0];
  const last = rows.at(-1);
  const col = (name) => Number(last[head.indexOf(name)] ?? 0);
  return { successful: col('SuccessfulCall(C)'), failed: col('FailedCall(C)'), retransmissions: col('Retransmissions(C)') };
}

/** Runs the SIPp REGISTER load: `calls` registrations at `rate`/s to 127.0.0.1:`port`, users from `csv`. */
function sipp({ port, csv, domain, rate, calls, expires, label, limit = Math.max(1000, rate * 4), budget = Math.ceil(calls / rate + 40), localPort = 0 }) {
  const cwd = mkdtempSync(join(tmpdir(), 'prolope-bench-pbx-sipp-'));
  const args = ['-sf', scenario, '-inf', csv, '-set', 'expires', String(expires), '-auth_uri', domain];
  args.push('-r', String(rate), '-m', String(calls), '-l', String(limit));
  // Past its retransmissions (500 ms doubling, SIPp's default 5 for UDP) a registration fails; past
  // `budget` seconds SIPp stops.
  args.push('-timeout', `${budget}s`, '-trace_stat', '-stf', 'stats.csv', '-fd', '1', '-trace_err', '-error_file', 'errors.log');
  args.push('-nostdin', '-i', '127.0.0.1', '-p', String(localPort), `127.0.0.1:${port}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    raise(child.pid);
    const overdue = setTimeout(() => child.kill('SIGINT'), (budget + 15) * 1000);
    let out = '';
    child.stdout.on('data', (d) => (out = (out + d).slice(-4000)));
    child.stderr.on('data', (d) => (out = (out + d).slice(-4000)));
    child.on('close', (code) => {
      clearTimeout(overdue);
      const wall = (performance.now() - started) / 1000;
      try {
        if (!readdirSync(cwd).includes('stats.csv')) throw new Error(`${label}: sipp exited ${code} without statistics:\n${out}`);
        let errors = '';
        try {
          errors = readFileSync(join(cwd, 'errors.log'), 'utf8');
        } catch {}
        resolve({ code, wall, ...lastStats(join(cwd, 'stats.csv')), errors });
      } catch (err) {
        reject(err);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
}

try {
  const t = await ask();
  const api = apiCaller(t.url);
  console.log(
    `bench/pbx: ${users} SIP users: ${t.apiUsers} through the API (${f(t.apiUsers / t.apiSeconds)}/s), the rest straight into the store; ${f(t.createSeconds, 1)} s in all; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const results = {};

  if (runs.has('register')) {
    const dir = mkdtempSync(join(tmpdir(), 'prolope-bench-pbx-'));
    const csv = join(dir, 'register-users.csv');
    writeFileSync(
      csv,
      `${readFileSync(t.csv, 'utf8')
        .split('\n')
        .slice(0, registerUsers + 1)
        .join('\n')}\n`,
    );
    const kam = await startKamailio({ csv, children, nice: raise });
    stops.push(() => kam.stop());
    const sides = [
      { name: 'Prolope', port: t.sipPort, pids: () => [target.pid], statements: async () => (await ask({ cmd: 'statements' })).statements },
      { name: 'Kamailio', port: kam.port, pids: kam.pids },
    ];
    console.log(
      `register: ${registerUsers} users, each REGISTER challenged (401) and answered with MD5 digest; ${seconds} s per rate, Prolope and Kamailio (${children} UDP workers) in turns`,
    );
    for (const side of sides) {
      const warm = await sipp({ port: side.port, csv, domain: t.domain, rate: 200, calls: registerUsers, expires: 3600, label: `warm-up ${side.name}` });
      if (warm.failed || warm.successful !== registerUsers)
        throw new Error(`warm-up on ${side.name}: ${warm.successful} registered, ${warm.failed} failed\n${warm.errors.slice(-1500)}`);
    }
    const steps = [];
    const stopped = new Set();
    const cols = ['step', 'asked/s', 'REGISTER/s', 'failed', 'retrans', 'CPU ms/REGISTER', 'RSS MiB', 'SQL/REGISTER'];
    console.log(`  ${cols.join('  ')}`);
    for (const [i, rate] of rates.entries()) {
      for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
        if (stopped.has(side)) continue;
        const sql0 = await side.statements?.();
        const cpu0 = cpuSeconds(side.pids());
        const r = await sipp({ port: side.port, csv, domain: t.domain, rate, calls: Math.round(rate * seconds), expires: 3600, label: `${side.name} ${rate}` });
        const cpu = cpuSeconds(side.pids()) - cpu0;
        // SQL statements per registration (both of its REGISTERs: the challenged one and the one with digest).
        const sql = side.statements ? ((await side.statements()) - sql0) / Math.max(1, r.successful) : Number.NaN;
        const step = {
          side: side.name,
          rate,
          ...r,
          perSecond: r.successful / r.wall,
          cpuMs: (cpu * 1000) / Math.max(1, r.successful),
          rss: rssMiB(side.pids()),
          sql,
        };
        steps.push(step);
        console.log(
          `  ${`${side.name} ${rate}`.padEnd(14)}  ${String(rate).padStart(7)}  ${f(step.perSecond).padStart(10)}  ${String(r.failed).padStart(6)}  ${String(r.retransmissions).padStart(7)}  ${f(step.cpuMs, 3).padStart(15)}  ${f(step.rss).padStart(7)}  ${f(step.sql, 1).padStart(12)}`,
        );
        // A side is done at its first failed registration, or when it no longer keeps up with the rate
        // asked (then its retransmissions, not its answers, set the pace).
        step.kept = !r.failed && step.perSecond >= KEEP_UP * rate;
        if (!step.kept) stopped.add(side);
        if (r.failed) {
          console.log(`    first errors: ${aborted(r.errors)}`);
        }
      }
      if (stopped.size === sides.length) break;
    }
    kam.stop();
    const best = (name) => Math.max(0, ...steps.filter((s) => s.side === name && s.kept).map((s) => s.perSecond));
    const failedAt = (name) => steps.find((s) => s.side === name && !s.kept)?.rate;
    const [ours, peer] = [best('Prolope'), best('Kamailio')];
    const ratio = peer ? ours / peer : Number.NaN;
    const note = (name) =>
      failedAt(name) ? `failed or fell behind at ${failedAt(name)}/s asked` : `kept up to ${rates.at(-1)}/s: a floor, raise BENCH_PBX_RATES`;
    console.log(
      `register: highest REGISTER/s kept up with no failed registration: Prolope ${f(ours)} (${note('Prolope')}), Kamailio ${f(peer)} (${note('Kamailio')}); ratio ${f(ratio, 2)} (target >= ${TARGET_REGISTER_RATIO}: ${ratio >= TARGET_REGISTER_RATIO ? 'met' : 'NOT met'})`,
    );
    if (!failedAt('Kamailio'))
      console.log('  (Kamailio kept up at every rate: its figure is a floor and the ratio an upper bound; SIPp itself may be the limit)');
    // CPU per REGISTER over the steps both sides kept up with: what each costs, whatever limits the rate.
    const cpuOf = (name) => {
      const kept = steps.filter((s) => s.side === name && s.kept);
      return (
        kept.reduce((a, s) => a + s.cpuMs * s.successful, 0) /
        Math.max(
          1,
          kept.reduce((a, s) => a + s.successful, 0),
        )
      );
    };
    const [cpuOurs, cpuPeer] = [cpuOf('Prolope'), cpuOf('Kamailio')];
    const sqlKept = steps.filter((s) => s.side === 'Prolope' && s.kept);
    const sqlOurs =
      sqlKept.reduce((a, s) => a + s.sql * s.successful, 0) /
      Math.max(
        1,
        sqlKept.reduce((a, s) => a + s.successful, 0),
      );
    console.log(
      `  CPU per REGISTER (challenge and digest) in the steps kept up with: Prolope ${f(cpuOurs, 2)} ms, Kamailio ${f(cpuPeer, 2)} ms (all its processes); Kamailio / Prolope ${f(cpuPeer / cpuOurs, 2)}; Prolope's SQL statements per registration ${f(sqlOurs, 1)} (load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
    json({ measure: 'pbx CPU ms per REGISTER vs Kamailio', ours: cpuOurs, peer: cpuPeer, ratio: cpuPeer / cpuOurs, target: null, met: null });
    json({ measure: 'pbx REGISTER/s with digest vs Kamailio', ours, peer, ratio, target: TARGET_REGISTER_RATIO, met: ratio >= TARGET_REGISTER_RATIO });
    results.register = { ours, peer, ratio };
    rmSync(dir, { recursive: true, force: true });
  }

  if (runs.has('bridged')) {
    const need = 2 * Math.max(...callSteps);
    if (users - need < (runs.has('register') ? registerUsers : 0))
      throw new Error(`bridged needs ${need} users that the register phase has not registered: raise BENCH_PBX_USERS or lower BENCH_PBX_CALLS`);
    const rows = readFileSync(t.csv, 'utf8').trim().split('\n').slice(1).slice(-need);
    const register = (o) => sipp({ port: t.sipPort, domain: t.domain, ...o });
    results.bridged = await runBridged({
      t,
      rows,
      steps: callSteps,
      holdSeconds: callHoldSeconds,
      rate: callRate,
      everyStep: callEveryStep,
      raise,
      register,
      api,
      json,
      stops,
    });
  }

  if (runs.has('held')) {
    // First every user registers, as fast as Prolope answers (at most FILL_IN_FLIGHT registrations in
    // flight, so a slow registrar is not buried in retransmissions); then the hold: each user refreshes
    // every BENCH_PBX_REFRESH_SECONDS, in turn, for BENCH_PBX_HOLD_SECONDS.
    const fillStarted = performance.now();
    // The fill's time is what Prolope takes: SIPp may run for as long as 10 registrations a second would.
    const fill = await sipp({
      port: t.sipPort,
      csv: t.csv,
      domain: t.domain,
      rate: 1000,
      calls: users,
      expires: 3600,
      label: 'fill',
      limit: FILL_IN_FLIGHT,
      budget: users / 10 + 60,
    });
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    console.log(
      `held: ${fill.successful} of ${users} users registered in ${f(fillSeconds)} s (${f(fill.successful / fillSeconds)} REGISTER/s, at most ${FILL_IN_FLIGHT} in flight), ${fill.failed} failed, ${fill.retransmissions} retransmissions`,
    );
    // A failed registration is reported (and the row not met), not fatal: the hold's refresh round
    // registers that user again, and memory with the users held is still worth measuring.
    if (fill.failed) console.log(`  first errors: ${aborted(fill.errors)}`);
    const rate = users / refreshSeconds;
    const expires = Math.max(60, 2 * refreshSeconds);
    console.log(
      `held: each user refreshed every ${refreshSeconds} s (${f(rate, 1)} REGISTER/s, Expires ${expires}) for ${holdSeconds} s; memory after a full GC every ${sampleSeconds} s`,
    );
    const samples = [];
    const sample = async (at) => {
      const { stats } = await ask({ cmd: 'stats' });
      samples.push({ at, ...stats });
      console.log(`  ${f(at).padStart(4)} s  RSS ${f(stats.rssMiB, 1)} MiB  heap ${f(stats.heapUsedMiB, 1)} MiB  live bindings ${stats.registrations}`);
    };
    await sample(0);
    const started = performance.now();
    const load = sipp({ port: t.sipPort, csv: t.csv, domain: t.domain, rate, calls: Math.round(rate * holdSeconds), expires, label: 'held' });
    let done = false;
    load.finally(() => {
      done = true;
    });
    while (!done) {
      await Promise.race([sleep(sampleSeconds * 1000), load]);
      if (!done) await sample((performance.now() - started) / 1000);
    }
    const r = await load;
    await sample((performance.now() - started) / 1000);
    // Start: when every user holds a binding (after the fill), as the hold begins.
    const held = samples;
    if (held.length < 3) throw new Error('held: fewer than three samples; raise BENCH_PBX_HOLD_SECONDS or lower BENCH_PBX_SAMPLE_SECONDS');
    const [start, middle, end] = [held[0], held[Math.floor(held.length / 2)], held.at(-1)];
    const growth = (k) => (100 * (end[k] - start[k])) / start[k];
    const flat = growth('rssMiB') <= FLAT_GROWTH_PCT && growth('heapUsedMiB') <= FLAT_GROWTH_PCT;
    const all = start.registrations >= users && end.registrations >= users;
    console.log(
      `held: ${r.successful} registrations, ${r.failed} failed (${r.retransmissions} retransmissions); live bindings ${start.registrations} at start, ${end.registrations} at end` +
        `\n  RSS ${f(start.rssMiB, 1)} / ${f(middle.rssMiB, 1)} / ${f(end.rssMiB, 1)} MiB, heap ${f(start.heapUsedMiB, 1)} / ${f(middle.heapUsedMiB, 1)} / ${f(end.heapUsedMiB, 1)} MiB (start / middle / end);` +
        ` growth RSS ${f(growth('rssMiB'), 1)} %, heap ${f(growth('heapUsedMiB'), 1)} %: ${flat ? 'flat' : 'NOT flat'} (flat: <= ${FLAT_GROWTH_PCT} %)`,
    );
    const met = flat && all && r.failed === 0 && fill.failed === 0;
    json({ measure: `pbx ${users} users held: RSS growth %`, ours: growth('rssMiB'), peer: null, ratio: null, target: FLAT_GROWTH_PCT, better: 'lower', met });
    results.held = { flat, all };
  }
  stopAll();
  process.exit(0);
} catch (err) {
  fail(err);
}
