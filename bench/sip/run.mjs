#!/usr/bin/env node
// Drives SIPp against the embedded SIP endpoint and prints what the voice targets ask about: the
// highest call rate with no failed call, and how many calls were up at once with media still paced at
// 20 ms. Each call is the full inbound flow: 401, digest, 183, 200, ACK, PCMA RTP from Prolope, BYE
// from Prolope. Every call's RTP goes to sink.mjs, which times each packet, so concurrency and pacing
// are measured where a caller would receive them, not estimated.
//
// Phases (BENCH_SIP_MODE=peer|media|rates|hold|both|all|knee|soak, default all; docs/bench.md has them all),
// among them:
// - rates: BENCH_SIP_RATES calls/s for BENCH_SIP_SECONDS each, to a number without a voice
//   application (the ~4.6 s default greeting); stops at the first rate with a failed call.
// - hold: BENCH_SIP_HOLD_RATE calls/s to a voice application (served here) that plays a
//   BENCH_SIP_HOLD_SECONDS WAV (or, with BENCH_SIP_HOLD_AUDIO=say, loops a spoken sentence), placing
//   calls for BENCH_SIP_HOLD_SECONDS + BENCH_SIP_HOLD_PLATEAU seconds, so rate × hold calls are up at
//   once for the plateau (defaults: 13 × 25 = 325, the 300 target with a margin).
// - knee: rates raised step by step until the first failed call, then refined; soak: the knee search,
//   then BENCH_SIP_SOAK_SECONDS (600) at half the knee, watching memory, handles and open calls.
// BENCH_SIP_ECHO=0|1 makes the sink send every packet back (two-way media); default: only in hold,
// where held calls would otherwise hit Prolope's 30 s RTP timeout, and a held call talks both ways.
//
// BENCH_SIP_COMPARE=<another checkout, built> also measures that checkout's server, step by step in turns
// with this build's, and prints both and their ratios.
//
// Needs `pnpm build` first and SIPp (Debian sip-tester). Prints figures; asserts nothing, and exits
// non-zero only when the bench itself breaks.
import { fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { setPriority, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { toneWav } from '../common/tone-wav.mjs';
import { freeUdpPort } from './free-port.mjs';
import { pcmToMka } from './mka.mjs';
import { startRtpengine } from './rtpengine-peer.mjs';

if (spawnSync('which', ['sipp']).status !== 0) {
  console.error('bench/sip needs sipp (apt-get install sip-tester)');
  process.exit(2);
}
const env = process.env;
const num = (name, fallback) => {
  const v = Number(env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got "${env[name]}"`);
  return v;
};
const mode = env.BENCH_SIP_MODE ?? 'all';
// knee and soak are apart from `all`: a soak takes ten minutes. soak finds the knee first, unless
// BENCH_SIP_SOAK_RATE gives its rate.
const modes = {
  rates: ['rates'],
  hold: ['hold'],
  peer: ['peer'],
  media: ['media'],
  both: ['rates', 'hold'],
  all: ['peer', 'media', 'rates', 'hold'],
  knee: ['knee'],
  soak: env.BENCH_SIP_SOAK_RATE ? ['soak'] : ['knee', 'soak'],
};
if (!modes[mode]) throw new Error(`BENCH_SIP_MODE must be peer, media, rates, hold, both, all, knee or soak, got "${mode}"`);
const runs = new Set(modes[mode]);
// The peer phase: SIPp as the answering side (peer-uas.xml) against the same SIPp caller, rate by rate,
// interleaved with Prolope at the same rate; the highest rate with no failed call on each side.
const peerRates = (env.BENCH_SIP_PEER_RATES ?? '25,50,100,200,300,400').split(',').map(Number);
if (!peerRates.every((r) => Number.isFinite(r) && r > 0)) throw new Error(`BENCH_SIP_PEER_RATES must list positive numbers, got "${env.BENCH_SIP_PEER_RATES}"`);
const TARGET_PEER_RATIO = 0.5;
// The media phase: at each step, that many calls held at once (each playing a BENCH_SIP_HOLD_SECONDS
// WAV), by Prolope and then by rtpengine playing the same WAV to the same sink; the most held with
// media at 20 ms (p99 |interval - 20 ms| <= 5 ms, no loss) on each side.
const mediaSteps = (env.BENCH_SIP_MEDIA_STEPS ?? '250,500,1000,1500').split(',').map(Number);
if (!mediaSteps.every((r) => Number.isInteger(r) && r > 0)) throw new Error(`BENCH_SIP_MEDIA_STEPS must list whole numbers, got "${env.BENCH_SIP_MEDIA_STEPS}"`);
const MEDIA_P99_MS = 5;
const TARGET_MEDIA_RATIO = 0.8;
const TARGET_MEDIA_HELD = 1000;
// The peer's pcap (g711a.pcap) sends a packet every 30 ms: 4.6 s is about 150; 100 leaves room for
// the first and last packets crossing the call's edges.
const PEER_MIN_PACKETS = 100;
// The knee: from BENCH_SIP_KNEE_START calls/s, times BENCH_SIP_KNEE_FACTOR per step until a step has a
// failed call (or BENCH_SIP_KNEE_MAX is passed), then BENCH_SIP_KNEE_REFINE halvings of the gap between
// the last clean rate and the first failed one. The knee is the highest rate with no failed call.
const kneeStart = num('BENCH_SIP_KNEE_START', 50);
const kneeFactor = num('BENCH_SIP_KNEE_FACTOR', 1.5);
if (kneeFactor <= 1) throw new Error(`BENCH_SIP_KNEE_FACTOR must be above 1, got ${kneeFactor}`);
const kneeMax = num('BENCH_SIP_KNEE_MAX', 2000);
const kneeRefine = Number(env.BENCH_SIP_KNEE_REFINE ?? 2);
// The soak: BENCH_SIP_SOAK_SECONDS at half the knee (or BENCH_SIP_SOAK_RATE), with memory, handles and
// open calls printed at its start, every BENCH_SIP_SOAK_SAMPLE seconds, and at its end.
const soakSeconds = num('BENCH_SIP_SOAK_SECONDS', 600);
const soakSample = num('BENCH_SIP_SOAK_SAMPLE', 60);
const rates = (env.BENCH_SIP_RATES ?? '5,10,25,50,100,200').split(',').map(Number);
if (!rates.every((r) => Number.isFinite(r) && r > 0)) throw new Error(`BENCH_SIP_RATES must list positive numbers, got "${env.BENCH_SIP_RATES}"`);
const seconds = num('BENCH_SIP_SECONDS', 5);
const holdRate = num('BENCH_SIP_HOLD_RATE', 13);
const holdSeconds = num('BENCH_SIP_HOLD_SECONDS', 25);
const holdPlateau = num('BENCH_SIP_HOLD_PLATEAU', 5);
// play: each call fetches and decodes the WAV (Prolope caches nothing), as real hold music would be;
// say: a looped sentence from Prolope's speech cache, to see the streams without that per-call work.
const holdAudio = env.BENCH_SIP_HOLD_AUDIO ?? 'play';
if (!['play', 'say'].includes(holdAudio)) throw new Error(`BENCH_SIP_HOLD_AUDIO must be play or say, got "${holdAudio}"`);
// Before each phase, wait up to this many seconds for other processes to leave the cores alone.
const quietWait = Number(env.BENCH_SIP_QUIET_WAIT ?? 10);
const echoFor = (fallback) => (env.BENCH_SIP_ECHO === undefined ? fallback : env.BENCH_SIP_ECHO === '1');
// What "media at 20 ms" means here, fixed before any run: 99 % of packets within half a packet time
// of the 20 ms beat, every timestamp step within a talkspurt 160, and (practically) no loss.
const maxP99Ms = num('BENCH_SIP_MAX_P99_MS', 10);
const maxLoss = 0.001;
const TARGET_RATE = 200;
const TARGET_CONCURRENT = 300;
const scenario = fileURLToPath(new URL('./inbound.xml', import.meta.url));

// BENCH_SIP_COMPARE=<another checkout>: that checkout's server build (built there first) runs beside
// this one, and every phase measures both in the same run, step by step (the peer and media phases: their
// Prolope steps), to see what a change did. The same target.mjs starts it (it takes the same settings), only its entry differs.
const compareDir = env.BENCH_SIP_COMPARE;
// BENCH_SIP_DRACHTIO=<a drachtio-server binary>: instead of another build, this build on the drachtio
// backend is the second side (drachtio-edge.mjs: drachtio-server and rtpengine in front, media paced by
// Prolope behind rtpengine), measured beside the embedded backend in every phase of the same run.
const drachtioBin = env.BENCH_SIP_DRACHTIO;
if (drachtioBin && compareDir) throw new Error('BENCH_SIP_DRACHTIO and BENCH_SIP_COMPARE both name the second side: set one');
if (drachtioBin && !existsSync(drachtioBin)) throw new Error(`BENCH_SIP_DRACHTIO: ${drachtioBin} does not exist (a drachtio-server binary)`);
const compareEntry = compareDir ? join(compareDir, 'packages/server/dist/index.js') : undefined;
if (compareEntry && !existsSync(compareEntry)) throw new Error(`BENCH_SIP_COMPARE: ${compareEntry} does not exist; build that checkout first`);
const compareLabel = drachtioBin
  ? 'drachtio'
  : compareDir
    ? spawnSync('git', ['-C', compareDir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout?.trim() || basename(compareDir)
    : undefined;

const children = [];
function start(file, extraEnv = {}) {
  // --expose-gc: the soak's memory figures are taken after a full collection, not at a random point of the heap's cycle.
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...extraEnv },
    execArgv: [...process.execArgv, '--expose-gc'],
  });
  child.queue = Promise.resolve();
  children.push(child);
  child.on('exit', (code) => {
    if (!stopping) fail(new Error(`${file} exited ${code}`));
  });
  return child;
}
/** One request to a child, answered by its next message; a child's requests go one at a time (the soak's sampler runs beside a phase's). */
function request(child, message) {
  const answer = child.queue.then(
    () =>
      new Promise((resolve) => {
        child.once('message', resolve);
        if (message) child.send(message);
      }),
  );
  child.queue = answer.catch(() => {});
  return answer;
}
let stopping = false;
let voiceApp;
function stop() {
  stopping = true;
  for (const child of children) if (child.connected) child.send('exit', () => {});
  voiceApp?.close();
}
function fail(err) {
  console.error('bench/sip broke:', err);
  stop();
  process.exit(1);
}

const target = start('./target.mjs');
const comparedTarget = compareEntry
  ? start('./target.mjs', { BENCH_SERVER_ENTRY: pathToFileURL(compareEntry).href })
  : drachtioBin
    ? start('./target.mjs', { BENCH_SIP_BACKEND: 'drachtio', BENCH_SIP_DRACHTIO: drachtioBin })
    : undefined;
const sink = start('./sink.mjs');
const [t, { port: sinkPort }, ct] = await Promise.all([request(target), request(sink), comparedTarget ? request(comparedTarget) : undefined]);
// A side is one Prolope server under test: this build, and with BENCH_SIP_COMPARE the compared one.
// Both serve the same numbers and trunk (target.mjs), so SIPp's caller differs only in the port.
const ours = { name: 'this build', tag: '', child: target, t };
const sides = comparedTarget ? [ours, { name: compareLabel, tag: ` [${compareLabel}]`, child: comparedTarget, t: ct }] : [ours];
// The targets are for a machine that runs Prolope alone. On one shared with other work (builds, test
// runs), the bench's own processes go ahead of it: Prolope and SIPp at nice -5, and the sink at -10,
// ahead of Prolope too, so its own scheduling delay does not show up as Prolope's jitter.
// BENCH_SIP_PRIORITY=0 leaves all priorities alone.
const prioritize = env.BENCH_SIP_PRIORITY !== '0';
function raise(pid, nice) {
  if (!prioritize) return true;
  try {
    setPriority(pid, nice);
    return true;
  } catch {
    return false;
  }
}
if (!raise(sink.pid, -10) || !sides.every((side) => raise(side.child.pid, -5))) {
  console.log('  (could not raise priorities: other work and the sink itself may add to the jitter figures)');
}

async function api(method, path, body, side = ours) {
  const res = await fetch(side.t.url + path, {
    method,
    headers: { authorization: `Bearer ${side.t.key}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** CDRs created after `sinceId` (the list is newest first). */
async function cdrsSince(sinceId, side) {
  const rows = [];
  let cursor;
  for (;;) {
    const page = await api('GET', `/v1/calls?limit=100${cursor ? `&starting_after=${cursor}` : ''}`, undefined, side);
    const fresh = page.data.filter((c) => !sinceId || c.id > sinceId);
    rows.push(...fresh);
    if (fresh.length < page.data.length || !page.has_more) return rows;
    cursor = page.next_cursor;
  }
}

const OPEN_STATUSES = new Set(['queued', 'ringing', 'early_media', 'in_progress']);
/**
 * The phase's CDRs once none is still open. A call stays open after SIPp is done when the 200 OK to
 * Prolope's BYE was lost: Prolope ends it when its BYE transaction gives up (Timer F, 32 s).
 */
async function settledCdrs(sinceId, side) {
  const until = performance.now() + 40_000;
  for (;;) {
    const rows = await cdrsSince(sinceId, side);
    if (!rows.some((c) => OPEN_STATUSES.has(c.status)) || performance.now() > until) return rows;
    await sleep(1000);
  }
}

const newestCall = async (side) => (await api('GET', '/v1/calls?limit=1', undefined, side)).data[0]?.id;

/** Receive-buffer overflows of the UDP socket bound to 127.0.0.1:`port` (the drops column of /proc/net/udp). */
function socketDrops(port) {
  const hex = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const line = readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .find((l) => l.trim().split(/\s+/)[1] === hex);
  return Number(line?.trim().split(/\s+/).at(-1) ?? 0);
}

/** The machine's UDP receive-buffer overflows (all sockets, closed ones included). */
function udpRcvbufErrors() {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const [names, values] = lines.map((l) => l.split(/\s+/));
  return Number(values?.[names?.indexOf('RcvbufErrors')] ?? 0);
}

const CLOCK_TICKS = 100;
/** CPU seconds a process (all its threads) has used so far. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
/** Busy and total CPU seconds of the whole machine, all cores. */
function machineCpu() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: (total - ticks[3] - ticks[4]) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

const benchCpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** SIPp's periodic statistics (-trace_stat, one row a second and one at exit), by column name. */
function readStats(file) {
  const rows = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(';'));
  const head = rows.shift() ?? [];
  const col = (name) => rows.map((r) => Number(r[head.indexOf(name)]));
  return {
    inProgressMax: Math.max(0, ...col('CurrentCall')),
    successful: col('SuccessfulCall(C)').at(-1) ?? 0,
    failed: col('FailedCall(C)').at(-1) ?? 0,
  };
}

let sippPid;
/** Runs the SIPp caller against a Prolope side (this build by default), or against the SIPp peer when `peerPort` is given. */
function sipp(rate, total, timeoutSeconds, peerPort, side = ours) {
  const cwd = mkdtempSync(join(tmpdir(), 'prolope-bench-sipp-'));
  const port = peerPort ?? side.t.sipPort;
  const args = ['-sf', scenario, '-s', t.to, '-set', 'from', t.from, '-set', 'rtpport', String(sinkPort), '-set', 'codec', '8'];
  args.push('-au', t.username, '-ap', t.password, '-auth_uri', `${t.to}@127.0.0.1:${port}`);
  args.push('-r', String(rate), '-m', String(total), '-l', String(Math.max(2000, total)), '-timeout', `${Math.ceil(timeoutSeconds)}s`);
  args.push('-trace_stat', '-stf', 'stats.csv', '-fd', '1', '-trace_err', '-error_file', 'errors.log', '-trace_rtt', '-rtt_freq', '1');
  args.push('-nostdin', '-i', '127.0.0.1', '-p', '0', `127.0.0.1:${port}`);
  return new Promise((resolve, reject) => {
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    sippPid = child.pid;
    // SIPp's -timeout did not end a caller whose answering side broke (seen with the SIPp peer at 400
    // calls/s): past the run's time, end it here; its statistics so far still count the failures.
    const overdue = setTimeout(() => child.kill('SIGINT'), (timeoutSeconds + 15) * 1000);
    child.on('close', () => clearTimeout(overdue));
    raise(child.pid, -5);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      try {
        if (!readdirSync(cwd).includes('stats.csv')) throw new Error(`sipp exited ${code} without statistics:\n${out.slice(-2000)}`);
        const stats = readStats(join(cwd, 'stats.csv'));
        const rttFile = readdirSync(cwd).find((name) => name.endsWith('_rtt.csv'));
        // One row per call: date_ms;response_time_ms;rtd_no, timer 1 being INVITE to 200 OK.
        const setupMs = rttFile
          ? readFileSync(join(cwd, rttFile), 'utf8')
              .split('\n')
              .map((l) => l.split(';'))
              .filter((r) => r[2] === '1')
              .map((r) => Number(r[1]))
              .filter(Number.isFinite)
              .sort((a, b) => a - b)
          : [];
        let errors = '';
        try {
          errors = readFileSync(join(cwd, 'errors.log'), 'utf8');
        } catch {}
        resolve({ code, ...stats, errors, setupMs });
      } catch (err) {
        reject(err);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const f = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const pct = (part, whole) => (whole ? `${((100 * part) / whole).toFixed(3)} %` : '-');

/** CPU seconds of every Prolope server the bench started (this build, and the compared one). */
const serversCpu = () => sides.reduce((sum, side) => sum + cpuSeconds(side.child.pid), 0);

/** CPU (in cores) that processes other than Prolope, the sink and this one used over `ms`. */
async function othersCpu(ms) {
  const mine = () => serversCpu() + cpuSeconds(sink.pid) + benchCpu();
  const [m0, o0] = [machineCpu(), mine()];
  await sleep(ms);
  return Math.max(0, (machineCpu().busy - m0.busy - (mine() - o0)) / (ms / 1000));
}

async function waitForQuiet() {
  const until = performance.now() + quietWait * 1000;
  for (;;) {
    const others = await othersCpu(1000);
    if (others < 0.25) return;
    if (performance.now() > until) {
      console.log(`  (other processes still use ${f(others * 100, 0)} % of a core after ${quietWait} s; measuring anyway)`);
      return;
    }
  }
}

/**
 * CPU per process while a phase runs, sampled every second: averages over the phase, and the busiest
 * second, since a 5 s burst of calls followed by 30 s of draining averages out to very little.
 */
function watchCpu(side = ours) {
  const sippCpu = () => {
    try {
      return cpuSeconds(sippPid);
    } catch {
      return undefined; // not started yet, or gone: its /proc entry disappears when it exits
    }
  };
  let sippLast = 0;
  const read = () => {
    const sippNow = sippCpu();
    if (sippNow !== undefined) sippLast = sippNow;
    return {
      at: performance.now(),
      prolope: cpuSeconds(side.child.pid),
      // The other side's server, idle meanwhile: ours, so not counted among the other processes.
      idle: serversCpu() - cpuSeconds(side.child.pid),
      sink: cpuSeconds(sink.pid),
      bench: benchCpu(),
      sipp: sippLast,
      machine: machineCpu().busy,
    };
  };
  const share = (a, b) => {
    const seconds = (b.at - a.at) / 1000;
    const c = { prolope: (b.prolope - a.prolope) / seconds, sink: (b.sink - a.sink) / seconds, sipp: (b.sipp - a.sipp) / seconds };
    // Whatever else ran meanwhile (another build or test run) competed for the same cores.
    c.others = Math.max(0, (b.machine - a.machine) / seconds - c.prolope - c.sink - c.sipp - (b.bench - a.bench + b.idle - a.idle) / seconds);
    return c;
  };
  const first = read();
  let prev = first;
  const peak = { prolope: 0, others: 0 };
  const timer = setInterval(() => {
    const now = read();
    const c = share(prev, now);
    peak.prolope = Math.max(peak.prolope, c.prolope);
    peak.others = Math.max(peak.others, c.others);
    prev = now;
  }, 1000);
  return () => {
    clearInterval(timer);
    return { ...share(first, read()), peakProlope: peak.prolope, peakOthers: peak.others };
  };
}

/** UDP datagrams dropped for a full receive buffer since `before`: at Prolope's SIP socket, at the sink, elsewhere (SIPp, RTP sockets). */
function dropsSince(before, side) {
  const sip = socketDrops(side.t.sipPort) - before.sip;
  const sinkDrops = socketDrops(sinkPort) - before.sink;
  return { sip, sink: sinkDrops, elsewhere: Math.max(0, udpRcvbufErrors() - before.all - sip - sinkDrops) };
}

/** One SIPp run with the sink timing its RTP; returns SIPp's, the sink's and the CDRs' view of it. */
async function phase(label, { rate, calls, echo, callSeconds }, side = ours) {
  if (quietWait > 0) await waitForQuiet();
  const since = await newestCall(side);
  await Promise.all([request(sink, { cmd: 'phase', name: label, echo }), request(side.child, { cmd: 'loop-reset' })]);
  const drops = { all: udpRcvbufErrors(), sip: socketDrops(side.t.sipPort), sink: socketDrops(sinkPort) };
  const started = performance.now();
  const stopCpu = watchCpu(side);
  const run = await sipp(rate, calls, calls / rate + callSeconds + 60, undefined, side);
  const cpu = stopCpu();
  const { loop } = await request(side.child, { cmd: 'loop-report' });
  const wall = (performance.now() - started) / 1000;
  // The last packets of the last call are still crossing loopback when SIPp sees the BYE.
  await sleep(300);
  const { report: m } = await request(sink, { cmd: 'report' });
  const cdrRows = await settledCdrs(since, side);
  const cdrs = {};
  for (const c of cdrRows) cdrs[`${c.status}/${c.hangup_cause}`] = (cdrs[`${c.status}/${c.hangup_cause}`] ?? 0) + 1;
  const billed = cdrRows.map((c) => c.duration_seconds ?? 0).sort((a, b) => a - b);
  // SIPp alone misses failures: a call whose ACK was lost still ends "successfully" with Prolope's
  // BYE 32 s later, without media. So a call also fails when its CDR does not end completed/normal,
  // when there is no CDR, or when no RTP stream came for it.
  const cdrCount = Object.values(cdrs).reduce((a, b) => a + b, 0);
  const failures = {
    sipp: Math.max(run.failed, calls - run.successful),
    cdr: cdrCount - (cdrs['completed/normal'] ?? 0) + Math.max(0, calls - cdrCount),
    noMedia: Math.max(0, calls - m.streams),
  };
  const failed = Math.max(failures.sipp, failures.cdr, failures.noMedia);
  const lossShare = m.packets ? m.lost / (m.packets + m.lost) : 0;
  const mediaOk = m.intervals > 0 && m.devP99 <= maxP99Ms && m.tsOff === 0 && lossShare <= maxLoss;
  const r = { label, side: side.name, rate, calls, echo, failed, failures, run, m, cdrs, billed, mediaOk, cpu, loop, wall, drops: dropsSince(drops, side) };
  printPhase(r);
  return r;
}

/** SIPp as the answering side (peer-uas.xml), in the background for the whole peer phase. */
async function startPeerUas() {
  const port = await freeUdpPort();
  const mediaPort = await freeUdpPort();
  const scenarioFile = fileURLToPath(new URL('./peer-uas.xml', import.meta.url));
  const args = ['-sf', scenarioFile, '-set', 'user', t.username, '-set', 'pass', t.password, '-i', '127.0.0.1', '-p', String(port)];
  args.push('-mi', '127.0.0.1', '-mp', String(mediaPort), '-l', '100000', '-nostdin');
  const child = spawn('sipp', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.on('exit', (code) => {
    if (!stopping && !child.stopped) fail(new Error(`the SIPp peer exited ${code}: ${err.slice(-500)}`));
  });
  raise(child.pid, -5);
  // One call first, as for Prolope: it also waits for SIPp's socket (the caller resends its INVITE).
  const first = await sipp(1, 1, 30, port);
  if (first.successful !== 1) throw new Error(`the first call to the SIPp peer failed: ${first.errors.slice(0, 500)}`);
  return {
    port,
    stop() {
      child.stopped = true;
      child.kill();
    },
  };
}

/** One SIPp run against the SIPp peer, with the sink counting its RTP streams: failed = SIPp failures or calls without media. */
async function peerPhase(label, { rate, calls }, peer) {
  if (quietWait > 0) await waitForQuiet();
  await request(sink, { cmd: 'phase', name: label, echo: false });
  const run = await sipp(rate, calls, calls / rate + 60, peer.port);
  await sleep(300);
  const { report: m } = await request(sink, { cmd: 'report' });
  // SIPp plays the same pcap, same SSRC, from one port for every call, so the sink cannot tell its
  // calls apart: a call counts as having had media by packets, at least PEER_MIN_PACKETS per call.
  const withMedia = Math.floor(m.packets / PEER_MIN_PACKETS);
  const failures = { sipp: Math.max(run.failed, calls - run.successful), noMedia: Math.max(0, calls - withMedia) };
  const failed = Math.max(failures.sipp, failures.noMedia);
  const setup = run.setupMs;
  console.log(
    `  ${String(rate).padStart(4)} calls/s x ${calls} to the SIPp peer: ${failed ? `${failed} FAILED (SIPp ${failures.sipp}, no media ${failures.noMedia})` : 'none failed'};` +
      ` INVITE to 200 OK p50 ${quantile(setup, 0.5)} p99 ${quantile(setup, 0.99)} ms; ${m.packets} RTP packets (${f(m.packets / calls, 0)} per call)`,
  );
  return { rate, failed };
}

const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] : Number.NaN);

function printPhase({ label, rate, calls, echo, failed, failures, run, m, cdrs, billed, mediaOk, cpu, loop, wall, drops }) {
  const outcome = failed ? `${failed} FAILED (SIPp ${failures.sipp}, CDR not completed/normal ${failures.cdr}, no media ${failures.noMedia})` : 'none failed';
  console.log(`  ${String(rate).padStart(4)} calls/s x ${calls}${sides.length > 1 ? ` (${label})` : ''}: ${outcome}`);
  const setup = run.setupMs;
  console.log(
    `       reached media at ${f(m.mediaStartsPerSecond)}/s; INVITE to 200 OK p50 ${quantile(setup, 0.5)} p99 ${quantile(setup, 0.99)} max ${setup.at(-1) ?? '-'} ms;` +
      ` ${f(m.mediaSecondsAvg)} s of media per call, billed p50 ${quantile(billed, 0.5)} max ${billed.at(-1) ?? '-'} s`,
  );
  console.log(
    `       up at once with media: ${m.concurrentMax} max, ${m.concurrentSustained} for a whole second, p50 ${m.concurrentP50}` +
      ` (SIPp: ${run.inProgressMax} calls in progress at most, counting 4 s after each BYE)`,
  );
  console.log(
    `       |interval - 20 ms| p50 ${f(m.devP50, 2)} p99 ${f(m.devP99, 2)} p99.9 ${f(m.devP999, 2)} max ${f(m.devMax, 1)} ms;` +
      ` RFC 3550 jitter mean ${f(m.jitterMeanMs, 2)} ms (p99 stream ${f(m.jitterP99StreamMs, 2)}, peak ${f(m.jitterPeakMs, 2)})`,
  );
  console.log(
    `       timestamp step != 160 in talkspurt: ${pct(m.tsOff, m.tsSteps)}; lost ${m.lost} of ${m.packets + m.lost}, late/dup ${m.lateOrDuplicate};` +
      ` ${m.streams} streams, echo ${echo ? 'on' : 'off'}; media at 20 ms: ${mediaOk ? 'yes' : 'NO'}`,
  );
  console.log(
    `       sink loop delay p99 ${f(m.sinkLoopDelayP99Ms, 2)} max ${f(m.sinkLoopDelayMaxMs, 1)} ms; UDP receive-buffer drops: Prolope SIP ${drops.sip}, sink ${drops.sink}, elsewhere ${drops.elsewhere};` +
      ` CDRs: ${Object.entries(cdrs)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}`,
  );
  // Prolope's calls share one event loop: near 100 % of a core, pacing is the first thing to give.
  console.log(
    `       CPU (% of a core) over ${f(wall, 0)} s: Prolope ${f(cpu.prolope * 100, 0)} (busiest second ${f(cpu.peakProlope * 100, 0)}),` +
      ` sink ${f(cpu.sink * 100, 0)}, SIPp ${f(cpu.sipp * 100, 0)}, other processes ${f(cpu.others * 100, 0)} (busiest second ${f(cpu.peakOthers * 100, 0)})`,
  );
  console.log(
    `       Prolope event loop: busy ${f(loop.elu * 100, 0)} % (busiest second ${f(loop.eluPeak * 100, 0)} %), timer delay p99 ${f(loop.delayP99Ms, 1)} max ${f(loop.delayMaxMs, 1)} ms`,
  );
  if (failed && run.errors) console.log(`       first SIPp error: ${run.errors.trim().split('\n').slice(0, 3).join(' | ').slice(0, 400)}`);
}

function wav(secondsLong) {
  // A quiet 425 Hz tone: Prolope only resends it as PCMA, content is irrelevant.
  return toneWav({ seconds: secondsLong, hz: 425, amplitude: 3000 });
}

async function serveHoldApp() {
  // The media and hold phases share one voice application.
  if (voiceApp) return;
  const audio = wav(holdSeconds);
  voiceApp = createServer((req, res) => {
    req.resume();
    if (req.url?.startsWith('/hold.wav')) {
      res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': audio.length }).end(audio);
    } else {
      const base = `http://127.0.0.1:${voiceApp.address().port}`;
      // The default greeting's text speaks for about 4.6 s (the rates phase measures it).
      const verb =
        holdAudio === 'play'
          ? { verb: 'play', url: `${base}/hold.wav` }
          : { verb: 'say', text: 'Welcome to Prolope. This number has no voice application yet. Goodbye.', loop: Math.max(1, Math.round(holdSeconds / 4.6)) };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([verb]));
    }
  });
  await new Promise((r) => voiceApp.listen(0, '127.0.0.1', r));
  for (const side of sides) await api('PATCH', `/v1/numbers/${encodeURIComponent(t.to)}`, { voice: { url: `http://127.0.0.1:${voiceApp.address().port}/voice` } }, side);
}

const results = { rates: [], hold: undefined, peer: undefined, media: undefined, peerSteps: [], mediaSteps: [], compared: { rates: [], hold: undefined, peerSteps: [], mediaSteps: [] } };
const resultsOf = (side) => (side === ours ? results : results.compared);

/** The knee search (see kneeStart): each step as a rates step, BENCH_SIP_SECONDS long, on this build. */
async function kneePhase() {
  console.log(
    `knee: ${seconds} s per rate, default greeting (~4.6 s), from ${kneeStart} calls/s times ${kneeFactor} until a call fails (at most ${kneeMax}), then ${kneeRefine} halvings`,
  );
  const steps = [];
  const step = async (rate) => {
    const r = await phase(`knee ${rate}`, { rate, calls: Math.round(rate * seconds), echo: echoFor(false), callSeconds: 10 });
    steps.push(r);
    return !r.failed;
  };
  let good = 0;
  let bad;
  for (let rate = kneeStart; rate <= kneeMax; rate = Math.round(rate * kneeFactor)) {
    if (!(await step(rate))) {
      bad = rate;
      break;
    }
    good = rate;
  }
  // Halve the gap while it is more than one call/s and 2 % of the clean rate: finer than that, runs of the same rate differ more.
  for (let i = 0; bad !== undefined && i < kneeRefine && bad - good > Math.max(1, good * 0.02); i++) {
    const mid = Math.round((good + bad) / 2);
    if (await step(mid)) good = mid;
    else bad = mid;
  }
  console.log(
    `knee: highest rate with no failed call ${good} calls/s` +
      (bad === undefined ? ` (no failure up to ${steps.at(-1)?.rate}: a floor, raise BENCH_SIP_KNEE_MAX)` : `; first failure at ${bad} calls/s`),
  );
  if (env.BENCH_JSON === '1') console.log(JSON.stringify({ measure: 'sip knee: highest calls/s with no failed call', ours: good, peer: null, ratio: null, target: null, met: null }));
  return { knee: good, failedAt: bad, steps };
}

/** The soak: one long SIPp run at `rate` (half the knee), with the server's memory, handles and open calls watched. */
async function soakPhase(rate) {
  if (!(rate > 0)) throw new Error('the soak needs a rate: the knee search found none with no failed call (set BENCH_SIP_SOAK_RATE)');
  const calls = Math.round(rate * soakSeconds);
  console.log(`soak: ${f(rate)} calls/s for ${soakSeconds} s (${calls} calls, default greeting), memory, handles and open calls every ${soakSample} s`);
  const line = (label, s) =>
    console.log(
      `  ${label.padEnd(9)} RSS ${f(s.rssMiB)} MiB, heap used ${f(s.heapUsedMiB)} MiB, handles ${s.handles}, file descriptors ${s.fds}, open calls ${s.openCalls}`,
    );
  const stats = async () => (await request(target, { cmd: 'stats' })).stats;
  const first = await stats();
  line('start', first);
  const t0 = performance.now();
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(async () => line(`${f((performance.now() - t0) / 1000, 0)} s`, await stats()));
  }, soakSample * 1000);
  let r;
  try {
    r = await phase('soak', { rate, calls, echo: echoFor(false), callSeconds: 10 });
  } finally {
    clearInterval(sampler);
    await sampling;
  }
  // phase() returned once every CDR had closed (or 40 s had passed), so the end is after the last call.
  const last = await stats();
  line('end', last);
  const grew = (k) => last[k] - first[k];
  console.log(
    `  soak: ${r.failed} failed of ${calls}; from start to end RSS ${grew('rssMiB') >= 0 ? '+' : ''}${f(grew('rssMiB'))} MiB, heap used ${grew('heapUsedMiB') >= 0 ? '+' : ''}${f(grew('heapUsedMiB'))} MiB,` +
      ` handles ${grew('handles') >= 0 ? '+' : ''}${grew('handles')}, file descriptors ${grew('fds') >= 0 ? '+' : ''}${grew('fds')}, open calls at the end ${last.openCalls}`,
  );
  return { rate, calls, failed: r.failed, first, last, r };
}

/** Whether a sink report shows media at 20 ms by the media phase's stricter rule. */
function strictMedia(m) {
  const lossShare = m.packets ? m.lost / (m.packets + m.lost) : 1;
  return m.intervals > 0 && m.devP99 <= MEDIA_P99_MS && m.tsOff === 0 && lossShare <= maxLoss;
}

/** The media phase: Prolope's held calls against rtpengine's, step by step (see mediaSteps). */
async function mediaPhase() {
  console.log(
    `media: at each step, that many calls held at once, each playing a ${holdSeconds} s WAV: Prolope (SIP calls from SIPp), then rtpengine (ng offer/answer/play media), both to the sink with echo on`,
  );
  await serveHoldApp();
  const dir = mkdtempSync(join(tmpdir(), 'prolope-bench-media-'));
  // The same samples as the WAV Prolope plays, in 20 ms blocks: rtpengine's player mis-schedules the
  // 256 ms packets FFmpeg's WAV demuxer hands it (mka.mjs, docs/bench.md).
  const mediaFile = join(dir, 'hold.mka');
  writeFileSync(mediaFile, pcmToMka(wav(holdSeconds).subarray(44)));
  const engine = await startRtpengine({ ports: 4 * Math.max(...mediaSteps) + 100, nice: (pid) => raise(pid, -5) });
  const best = { prolope: 0, rtpengine: 0 };
  const done = {};
  try {
    for (const held of mediaSteps) {
      const rate = held / holdSeconds;
      const calls = Math.round(rate * (holdSeconds + holdPlateau));
      // With BENCH_SIP_COMPARE the compared build holds the same step too, right after this one.
      for (const side of sides) {
        const key = side === ours ? 'prolope' : 'compared';
        if (done[key]) continue;
        const r = await phase(`media prolope ${held}${side.tag}`, { rate, calls, echo: true, callSeconds: holdSeconds + 10 }, side);
        resultsOf(side).mediaSteps.push({ ...r, step: held });
        const ok = !r.failed && strictMedia(r.m);
        if (ok) best[key] = Math.max(best[key] ?? 0, r.m.concurrentSustained);
        else done[key] = held;
      }
      if (!done.rtpengine) {
        if (quietWait > 0) await waitForQuiet();
        await request(sink, { cmd: 'phase', name: `media rtpengine ${held}`, echo: true });
        const [cpu0, at0] = [cpuSeconds(engine.pid), performance.now()];
        const run = await engine.hold({ calls, rate, mediaFile, sinkPort, holdMs: holdSeconds * 1000 + 500, label: `step${held}` });
        // All of rtpengine's threads, over the whole step, as Prolope's CPU line counts its process.
        const engineCpu = (cpuSeconds(engine.pid) - cpu0) / ((performance.now() - at0) / 1000);
        await sleep(300);
        const { report: m } = await request(sink, { cmd: 'report' });
        const ok = run.failed === 0 && m.streams >= calls && strictMedia(m);
        console.log(
          `  ${String(held).padStart(5)} held by rtpengine: ${run.failed} ng failures, ${m.streams} of ${calls} streams; up at once ${m.concurrentSustained} for a whole second;` +
            ` |interval - 20 ms| p99 ${f(m.devP99, 2)} ms, lost ${m.lost}, late/dup ${m.lateOrDuplicate}, ts!=160 ${m.tsOff}; rtpengine CPU ${f(engineCpu * 100, 0)} % of a core; media at 20 ms: ${ok ? 'yes' : 'NO'}`,
        );
        if (ok) best.rtpengine = Math.max(best.rtpengine, m.concurrentSustained);
        else done.rtpengine = held;
      }
      if (done.prolope && done.rtpengine && (sides.length === 1 || done.compared)) break;
    }
  } finally {
    engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { best, done };
}
try {
  console.log(`bench/sip: inbound calls with digest, 183/200, PCMA 20 ms to a timing sink, BYE from Prolope (${process.env.CI ? 'CI' : 'local'})`);
  console.log(`  priorities: ${prioritize ? 'Prolope and SIPp at nice -5, the sink at -10' : 'left alone (BENCH_SIP_PRIORITY=0)'}`);
  console.log(`  "media at 20 ms" = p99 |interval - 20 ms| <= ${maxP99Ms} ms, every timestamp step in a talkspurt 160, loss <= ${maxLoss * 100} %`);
  if (sides.length > 1)
    console.log(
      drachtioBin
        ? `  compared: this build on the drachtio backend (drachtio-server ${drachtioBin} and rtpengine in front, media paced by Prolope behind rtpengine), measured beside the embedded backend, step by step`
        : `  compared build: ${compareLabel} (${compareDir}), measured beside this build, step by step (in the peer and media phases: Prolope's steps)`,
    );
  // One call first, so the greeting's speech synthesis and the JIT warm-up stay out of the first rate.
  for (const side of sides) await sipp(1, 1, 30, undefined, side);
  if (runs.has('peer')) {
    console.log(`peer: ${seconds} s per rate, Prolope then SIPp as the answering side at each rate (the same caller, digest, 183/200, ~4.6 s of PCMA, BYE)`);
    const peer = await startPeerUas();
    const best = { prolope: 0, sipp: 0 };
    const failedAt = {};
    try {
      for (const rate of peerRates) {
        const calls = Math.round(rate * seconds);
        for (const side of sides) {
          const key = side === ours ? 'prolope' : 'compared';
          if (failedAt[key]) continue;
          const r = await phase(`peer prolope ${rate}${side.tag}`, { rate, calls, echo: false, callSeconds: 10 }, side);
          resultsOf(side).peerSteps.push(r);
          if (r.failed) failedAt[key] = rate;
          else best[key] = rate;
        }
        if (!failedAt.sipp) {
          const r = await peerPhase(`peer sipp ${rate}`, { rate, calls }, peer);
          if (r.failed) failedAt.sipp = rate;
          else best.sipp = rate;
        }
        if (failedAt.prolope && failedAt.sipp && (sides.length === 1 || failedAt.compared)) break;
      }
    } finally {
      peer.stop();
    }
    results.peer = { best, failedAt };
  }
  if (runs.has('media')) results.media = await mediaPhase();
  if (runs.has('rates')) {
    console.log(`rates: ${seconds} s per rate, default greeting (~4.6 s)${sides.length > 1 ? '; this build and the compared one at each rate, in turns' : ''}`);
    const stopped = new Set();
    for (const [i, rate] of rates.entries()) {
      // A B, then B A: a drift of the machine over a pair of steps hits both builds alike.
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        if (stopped.has(side)) continue;
        const r = await phase(`rate ${rate}${side.tag}`, { rate, calls: Math.round(rate * seconds), echo: echoFor(false), callSeconds: 10 }, side);
        resultsOf(side).rates.push(r);
        if (r.failed) stopped.add(side);
      }
      if (stopped.size === sides.length) break;
    }
  }
  if (runs.has('knee')) results.knee = await kneePhase();
  if (runs.has('soak')) results.soak = await soakPhase(env.BENCH_SIP_SOAK_RATE ? num('BENCH_SIP_SOAK_RATE', 1) : results.knee.knee / 2);
  if (runs.has('hold')) {
    const calls = Math.round(holdRate * (holdSeconds + holdPlateau));
    console.log(
      `hold: ${holdRate} calls/s for ${holdSeconds + holdPlateau} s, each ${holdAudio === 'play' ? `playing a ${holdSeconds} s WAV` : `saying a sentence for ~${holdSeconds} s`} from a voice application`,
    );
    await serveHoldApp();
    for (const side of sides) resultsOf(side).hold = await phase(`hold${side.tag}`, { rate: holdRate, calls, echo: echoFor(true), callSeconds: holdSeconds + 10 }, side);
  }
  summarize(results);
  if (sides.length > 1) compare(results, results.compared);
  stop();
} catch (err) {
  fail(err);
}

function summarize({ rates: ran, hold, peer, media, compared }) {
  const all = [...ran, ...(hold ? [hold] : [])];
  // The compared build's phases go in the table too; the targets below are judged on this build alone.
  const tabled = [...all, ...compared.rates, ...(compared.hold ? [compared.hold] : [])];
  if (media) {
    const { best, done } = media;
    const ratio = best.rtpengine ? best.prolope / best.rtpengine : Number.NaN;
    const note = (side) => (done[side] ? `first miss at ${done[side]}` : `none missed up to ${mediaSteps.at(-1)}: a floor, raise BENCH_SIP_MEDIA_STEPS`);
    console.log(
      `media: most calls held with media at 20 ms (p99 <= ${MEDIA_P99_MS} ms, no loss): Prolope ${best.prolope} (${note('prolope')}), rtpengine ${best.rtpengine} (${note('rtpengine')});` +
        ` ratio ${f(ratio, 2)} (target >= ${TARGET_MEDIA_RATIO} and Prolope >= ${TARGET_MEDIA_HELD}: ${ratio >= TARGET_MEDIA_RATIO && best.prolope >= TARGET_MEDIA_HELD ? 'met' : 'NOT met'})`,
    );
    if (sides.length > 1) console.log(`  the compared build ${compareLabel} held ${best.compared ?? 0} (${note('compared')})`);
    if (env.BENCH_JSON === '1') {
      console.log(JSON.stringify({ measure: 'sip calls held with media at 20 ms vs rtpengine', ours: best.prolope, peer: best.rtpengine, ratio, target: TARGET_MEDIA_RATIO, met: ratio >= TARGET_MEDIA_RATIO && best.prolope >= TARGET_MEDIA_HELD }));
    }
  }
  if (peer) {
    const { best, failedAt } = peer;
    const ratio = best.sipp ? best.prolope / best.sipp : Number.NaN;
    const note = (side) => (failedAt[side] ? `first failure at ${failedAt[side]}` : `no failure up to ${peerRates.at(-1)}: a floor, raise BENCH_SIP_PEER_RATES`);
    console.log(
      `peer: highest rate with no failed call: Prolope ${best.prolope} calls/s (${note('prolope')}), SIPp as the answering side ${best.sipp} calls/s (${note('sipp')});` +
        ` ratio ${f(ratio, 2)} (target >= ${TARGET_PEER_RATIO}: ${ratio >= TARGET_PEER_RATIO ? 'met' : 'NOT met'})`,
    );
    if (sides.length > 1) console.log(`  the compared build ${compareLabel}: ${best.compared ?? 0} calls/s (${note('compared')})`);
    if (env.BENCH_JSON === '1') {
      console.log(JSON.stringify({ measure: 'sip calls/s with no failure vs SIPp answering', ours: best.prolope, peer: best.sipp, ratio, target: TARGET_PEER_RATIO, met: ratio >= TARGET_PEER_RATIO }));
    }
  }
  if (all.length === 0) return;
  console.log(`summary (2 cores shared by Prolope, SIPp and the sink; "media at 20 ms" as defined above):`);
  const cols = ['phase', 'calls/s', 'reached', 'failed', 'up at once', '|dt-20| p50/p99/max ms', 'jitter', 'ts!=160', 'setup p99', 'loop busy', 'at 20 ms'];
  const rows = tabled.map((r) => [
    r.label,
    String(r.rate),
    f(r.m.mediaStartsPerSecond),
    String(r.failed),
    `${r.m.concurrentSustained} (${r.m.concurrentMax})`,
    `${f(r.m.devP50, 1)}/${f(r.m.devP99, 1)}/${f(r.m.devMax, 0)}`,
    `${f(r.m.jitterMeanMs, 2)} ms`,
    pct(r.m.tsOff, r.m.tsSteps),
    `${quantile(r.run.setupMs, 0.99)} ms`,
    `${f(r.loop.eluPeak * 100, 0)} %`,
    r.mediaOk ? 'yes' : 'NO',
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i].length)));
  for (const row of [cols, ...rows]) console.log(`  ${row.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ')}`);
  console.log(
    '  (up at once: streams with media for a whole second, peak in brackets; jitter: RFC 3550, mean over streams; loop busy: Prolope event loop, busiest second)',
  );

  if (ran.length) {
    const clean = ran.filter((r) => !r.failed);
    const best = clean.at(-1);
    const bestPaced = clean.filter((r) => r.mediaOk).at(-1);
    // A rate counts only if the calls actually reached media at (nearly) that pace.
    const met = clean.some((r) => r.rate >= TARGET_RATE && r.m.mediaStartsPerSecond >= 0.95 * r.rate);
    const firstFailed = ran.find((r) => r.failed);
    console.log(
      `  highest rate with no failed call: ${best ? `${best.rate} calls/s (reached media at ${f(best.m.mediaStartsPerSecond)}/s)` : 'none'}` +
        `${firstFailed ? `, ${firstFailed.rate} calls/s had ${firstFailed.failed} failed (SIPp ${firstFailed.failures.sipp}, CDR ${firstFailed.failures.cdr}, no media ${firstFailed.failures.noMedia})` : ''}; target ${TARGET_RATE} calls/s: ${met ? 'met' : 'NOT met'}`,
    );
    console.log(`  highest rate with no failed call and media at 20 ms: ${bestPaced ? `${bestPaced.rate} calls/s` : 'none'}`);
  }
  const top = all.filter((r) => !r.failed && r.mediaOk).sort((a, b) => b.m.concurrentSustained - a.m.concurrentSustained)[0];
  console.log(
    `  most calls up at once with media at 20 ms and no failed call: ${top ? `${top.m.concurrentSustained} for a whole second (${top.label})` : 'none'};` +
      ` target ${TARGET_CONCURRENT}: ${top && top.m.concurrentSustained >= TARGET_CONCURRENT ? 'met' : 'NOT met'}`,
  );
  if (hold) {
    console.log(
      `  hold: ${hold.m.concurrentSustained} calls up at once for a whole second, ${hold.failed} failed, media at 20 ms: ${hold.mediaOk ? 'yes' : 'NO'}` +
        ` (p99 |interval - 20 ms| ${f(hold.m.devP99, 2)} ms, jitter ${f(hold.m.jitterMeanMs, 2)} ms)`,
    );
  }
  if (env.BENCH_JSON === '1') {
    // Against the fixed targets (the peer and media phases print the rows measured against SIPp and rtpengine).
    const clean = ran.filter((r) => !r.failed);
    const bestRate = clean.at(-1)?.rate ?? 0;
    const held = top?.m.concurrentSustained ?? 0;
    console.log(JSON.stringify({ measure: 'sip calls/s with no failure (rates phase, fixed target)', ours: bestRate, peer: null, ratio: null, target: TARGET_RATE, met: bestRate >= TARGET_RATE }));
    console.log(
      JSON.stringify({ measure: 'sip calls up with media at 20 ms (hold phase, fixed target)', ours: held, peer: null, ratio: null, target: TARGET_CONCURRENT, met: held >= TARGET_CONCURRENT }),
    );
  }
  const busiest = Math.max(0, ...tabled.map((r) => r.cpu.peakOthers));
  if (busiest > 0.25) {
    console.log(`  NOTE: other processes used up to ${f(busiest * 100, 0)} % of a core in some second of a phase; figures from a busy machine are pessimistic`);
  }
}

/**
 * BENCH_SIP_COMPARE: this build against the compared one, phase by phase, from the same run. Ratios
 * are this build / the compared one; for latencies and CPU, below 1 is better.
 */
function compare(a, b) {
  const pairs = [];
  for (const r of a.peerSteps) {
    const other = b.peerSteps.find((x) => x.rate === r.rate);
    if (other) pairs.push([`peer ${r.rate}`, r, other]);
  }
  for (const r of a.mediaSteps) {
    const other = b.mediaSteps.find((x) => x.step === r.step);
    if (other) pairs.push([`media ${r.step}`, r, other]);
  }
  for (const r of a.rates) {
    const other = b.rates.find((x) => x.rate === r.rate);
    if (other) pairs.push([`rate ${r.rate}`, r, other]);
  }
  if (a.hold && b.hold) pairs.push(['hold', a.hold, b.hold]);
  if (pairs.length === 0) return;
  const ratio = (x, y) => (Number.isFinite(x) && Number.isFinite(y) && y > 0 ? x / y : Number.NaN);
  // Prolope's CPU per call: the figure least moved by the rate actually reached.
  const cpuMsPerCall = (r) => (r.cpu.prolope * r.wall * 1000) / r.calls;
  const figures = [
    ['failed', (r) => r.failed, 0],
    ['reached/s', (r) => r.m.mediaStartsPerSecond, 1],
    ['up at once', (r) => r.m.concurrentSustained, 0],
    ['|dt-20| p99 ms', (r) => r.m.devP99, 2],
    ['jitter ms', (r) => r.m.jitterMeanMs, 2],
    ['setup p99 ms', (r) => quantile(r.run.setupMs, 0.99), 0],
    ['CPU ms/call', cpuMsPerCall, 1],
    ['loop busy %', (r) => r.loop.elu * 100, 0],
  ];
  console.log(`compare: this build vs ${compareLabel}, measured in turns in this run (cells: this build / ${compareLabel} = ratio)`);
  const cols = ['phase', ...figures.map(([name]) => name)];
  const rows = pairs.map(([label, x, y]) => [
    label,
    ...figures.map(([, get, digits]) => {
      const [p, q] = [get(x), get(y)];
      const r = ratio(p, q);
      return `${f(p, digits)} / ${f(q, digits)}${Number.isFinite(r) ? ` = ${f(r, 2)}` : ''}`;
    }),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((row) => row[i].length)));
  for (const row of [cols, ...rows]) console.log(`  ${row.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ')}`);
  const best = (ran) => ran.filter((r) => !r.failed).at(-1)?.rate ?? 0;
  console.log(`  highest rate with no failed call: this build ${best(a.rates)}, ${compareLabel} ${best(b.rates)} calls/s`);
  // Over all paired phases: total CPU per call, the figure a 5 % budget is best judged on.
  const total = (list) => list.reduce((sum, r) => sum + cpuMsPerCall(r) * r.calls, 0) / list.reduce((sum, r) => sum + r.calls, 0);
  const [cpuA, cpuB] = [total(pairs.map((p) => p[1])), total(pairs.map((p) => p[2]))];
  console.log(`  Prolope CPU per call over the paired phases: this build ${f(cpuA, 2)} ms, ${compareLabel} ${f(cpuB, 2)} ms, ratio ${f(ratio(cpuA, cpuB), 3)}`);
  if (env.BENCH_JSON === '1') {
    console.log(JSON.stringify({ measure: `sip CPU per call vs ${compareLabel} (compare)`, ours: cpuA, peer: cpuB, ratio: ratio(cpuA, cpuB), target: null, met: null }));
  }
}
