// bench/pbx's bridged phase: concurrent user-to-user calls with media through Prolope's B2BUA,
// against the same count relayed by rtpengine, in steps, the two sides in turns.
//
// The phones' RTP is two sink processes (bench/sip/sink.mjs), the same for both sides:
// - `callers` is every calling phone's media address: it sends each call's paced 20 ms PCMA (tagged
//   payloads) and measures what comes back (callee -> caller);
// - `callees` is every called phone's media address: it measures what arrives (caller -> callee) and
//   echoes each packet back, which is the called phone's audio.
// Prolope: phones that call (caller-phones.mjs, a small UAC: SIPp's digest cannot follow a per-call
// Request-URI) and SIPp phones that answer (bridged-answer.xml; the called users registered from its
// port); media anchored in Prolope and relayed between the two legs.
// rtpengine: an ng offer and answer per call for the two legs, no SIP (rtpengine-peer.mjs `bridge`).
// A step holds `n` calls on one side: all up, a settle second, then `holdSeconds` measured; it is held
// within the rule when every call came up, both directions have all `n` streams, no packet is lost or
// out of order, and p99 |interval - 20 ms| <= 5 ms in each direction.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from '../sip/free-port.mjs';
import { openCallerPhones } from './caller-phones.mjs';
import { startRtpengine } from '../sip/rtpengine-peer.mjs';

export const P99_LIMIT_MS = 5;
const SETTLE_MS = 1000;
/** `fn` to run once at most: the phase's own cleanup and run.mjs's stops may both call it. */
const once = (fn) => {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const f = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** A sink process (bench/sip/sink.mjs): its port, and `ask(message)` for its answer. */
async function startSink(raise) {
  const child = fork(fileURLToPath(new URL('../sip/sink.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  raise(child.pid);
  const { port } = await new Promise((resolve) => child.once('message', resolve));
  // The sink answers each message once, in order: answers go to the askers in turn (calls come up
  // concurrently, so several asks may be in flight).
  const waiting = [];
  child.on('message', (m) => waiting.shift()?.(m));
  const ask = (message) =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.send(message);
    });
  return { port, ask, stop: once(() => child.connected && child.send('exit')) };
}

/**
 * Runs the phase. `rows`: the target's injection rows (`user;domain;[authentication ...]`), at least
 * 2 × the largest step, none registered before (a stale binding would ring too); `register(o)` runs
 * bench/pbx's REGISTER load (run.mjs's sipp) from `o.localPort`; `api(key, method, path)` the API.
 */
export async function runBridged({ t, rows, steps, holdSeconds, rate, everyStep = false, raise, register, api, json, stops }) {
  const max = Math.max(...steps);
  if (rows.length < 2 * max) throw new Error(`bridged: ${2 * max} users needed for ${max} calls, ${rows.length} given`);
  const dir = mkdtempSync(join(tmpdir(), 'prolope-bench-pbx-bridged-'));
  const callerRows = rows.slice(0, max);
  const calleeRows = rows.slice(max, 2 * max);
  const extension = (row) => row.split(';')[0].replace(/^u/, '');

  const [callers, callees] = [await startSink(raise), await startSink(raise)];
  stops.push(callers.stop, callees.stop);
  // Four ports per call (two legs, RTP and RTCP), and some to spare.
  const rtpengine = await startRtpengine({ ports: 4 * max + 64, nice: raise });
  stops.push(() => rtpengine.stop());
  const phones = await openCallerPhones();
  phones.close = once(phones.close);
  stops.push(phones.close);

  // The called users register from the answering SIPp's port, which then waits there for their calls.
  const phonePort = await freeUdpPort();
  const calleeCsv = join(dir, 'callees.csv');
  writeFileSync(calleeCsv, `SEQUENTIAL\n${calleeRows.join('\n')}\n`);
  const reg = await register({ csv: calleeCsv, rate: 50, calls: max, expires: 3600, label: 'bridged callees', localPort: phonePort });
  if (reg.failed || reg.successful !== max) throw new Error(`bridged: ${reg.successful} of ${max} called users registered, ${reg.failed} failed`);
  const answering = spawn(
    'sipp',
    [
      '-sf',
      fileURLToPath(new URL('./bridged-answer.xml', import.meta.url)),
      '-set',
      'sinkport',
      String(callees.port),
      '-nostdin',
      '-i',
      '127.0.0.1',
      '-p',
      String(phonePort),
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let answeringOut = '';
  answering.stderr.on('data', (d) => (answeringOut = (answeringOut + d).slice(-2000)));
  raise(answering.pid);
  stops.push(() => answering.kill('SIGKILL'));

  /** Both sinks into a new phase (the callees echo, the callers do not). */
  const phase = (name) => Promise.all([callers.ask({ cmd: 'phase', name, tagged: true }), callees.ask({ cmd: 'phase', name, tagged: true, echo: true })]);

  /** Prolope: `n` calls from the caller phones at `rate`/s; how many came up, and a function that ends them all. */
  async function prolopeCalls(n) {
    const placed = [];
    let up = 0;
    let why = '';
    const started = Date.now();
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const wait = started + (i * 1000) / rate - Date.now();
        if (wait > 1) await sleep(wait);
        const [user, , authentication] = callerRows[i].split(';');
        const password = /password=(\S+)\]/.exec(authentication)?.[1];
        const call = phones.call({ port: t.sipPort, user, password, domain: t.domain, ext: extension(calleeRows[i]), mediaPort: callers.port });
        placed.push(call);
        try {
          // Prolope's port for the caller's leg: where the caller's audio goes.
          const port = await call.answered;
          await callers.ask({ cmd: 'send', streams: [{ port }] });
          up++;
        } catch (err) {
          why ||= err.message;
        }
      }),
    );
    return {
      up,
      why,
      async end() {
        // Hang up through the API: Prolope sends BYE to both phones.
        for (let round = 0; round < 3; round++) {
          const open = [];
          let cursor;
          for (;;) {
            const page = await api(t.key, 'GET', `/v1/calls?status=in_progress&limit=100${cursor ? `&starting_after=${cursor}` : ''}`);
            open.push(...page.data);
            if (!page.has_more) break;
            cursor = page.next_cursor;
          }
          if (!open.length) break;
          // The callers' legs first: hanging one up ends its bridged leg too.
          const ordered = [...open.filter((c) => c.direction === 'inbound'), ...open.filter((c) => c.direction !== 'inbound')];
          for (let i = 0; i < ordered.length; i += 8)
            await Promise.all(ordered.slice(i, i + 8).map((c) => api(t.key, 'POST', `/v1/calls/${c.id}/actions/hangup`).catch(() => {})));
        }
        let ended = 0;
        await Promise.race([Promise.all(placed.map((c) => c.ended.then(() => ended++))), sleep(10_000)]);
        if (ended < placed.length) console.log(`    ${placed.length - ended} of ${placed.length} caller phones got no BYE after the hangup`);
      },
    };
  }

  /** rtpengine: `n` calls, at the same rate; the callers' audio goes to the port rtpengine gave each caller. */
  async function rtpengineCalls(n, label) {
    const ids = [];
    let up = 0;
    let why = '';
    const started = Date.now();
    for (let i = 0; i < n; i++) {
      const wait = started + (i * 1000) / rate - Date.now();
      if (wait > 1) await sleep(wait);
      const id = `${label}-${i}`;
      ids.push(id);
      try {
        const { callerSendsTo } = await rtpengine.bridge(id, { callerPort: callers.port, calleePort: callees.port });
        await callers.ask({ cmd: 'send', streams: [{ port: callerSendsTo }] });
        up++;
      } catch (err) {
        why ||= err.message;
      }
    }
    return { up, why, end: () => Promise.all(ids.map((id) => rtpengine.end(id))) };
  }

  const sides = [
    { name: 'Prolope', calls: prolopeCalls },
    { name: 'rtpengine', calls: rtpengineCalls },
  ];
  const results = [];
  const stopped = new Set();
  console.log(
    `bridged: steps of ${steps.join(', ')} concurrent user-to-user calls, set up at ${rate}/s, each held ${holdSeconds} s once all are up; Prolope (SIP phones through its B2BUA) and rtpengine (ng offer/answer, no SIP) in turns; the rule: p99 |interval - 20 ms| <= ${P99_LIMIT_MS} ms each way, no loss`,
  );
  // Per direction: p99 and max |interval - 20 ms| (the rule), p99 of what the path added to the
  // source's own intervals (the sinks' stalls taken out: information), packets lost, streams seen.
  console.log('  step            up  caller->callee: p99/max ms, path p99, lost  callee->caller: p99/max ms, path p99, lost  held');
  for (const [i, n] of steps.entries()) {
    for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
      if (stopped.has(side)) continue;
      const label = `${side.name}-${n}`;
      await phase(`${label} setup`);
      const calls = await side.calls(n, label);
      let there;
      let back;
      if (calls.up === n) {
        await sleep(SETTLE_MS);
        await phase(label);
        await sleep(holdSeconds * 1000);
        // Caller -> callee is measured where the callees are, callee -> caller where the callers are.
        [there, back] = [(await callees.ask({ cmd: 'report' })).report, (await callers.ask({ cmd: 'report' })).report];
      }
      await callers.ask({ cmd: 'stop-send' });
      await calls.end();
      await phase('idle');
      const clean = (r) => r && r.streams === n && r.lost === 0 && r.lateOrDuplicate === 0 && r.intervals > 0 && r.devP99 <= P99_LIMIT_MS;
      const held = calls.up === n && clean(there) && clean(back);
      results.push({ side: side.name, n, up: calls.up, held, there, back });
      const dir = (r) =>
        r
          ? `${f(r.devP99, 2).padStart(6)}/${f(r.devMax, 1).padStart(6)}, ${f(r.pathDevP99, 2).padStart(6)}, ${String(r.lost).padStart(4)} (${r.streams} streams)`
          : '     -/-      -';
      console.log(`  ${label.padEnd(14)} ${String(calls.up).padStart(4)}  ${dir(there).padEnd(44)} ${dir(back).padEnd(44)} ${held ? 'yes' : 'NO'}`);
      const untagged = (there?.untagged ?? 0) + (back?.untagged ?? 0);
      if (untagged) console.log(`    ${untagged} packets that no phone sent (the relay's own) reached the phones`);
      if (!held) {
        if (!everyStep) stopped.add(side);
        if (calls.why) console.log(`    ${calls.why.trim().split('\n').slice(-3).join(' | ')}`);
      }
    }
    if (stopped.size === sides.length) break;
  }
  answering.kill('SIGKILL');
  phones.close();
  rtpengine.stop();
  callers.stop();
  callees.stop();
  if (!process.env.BENCH_PBX_KEEP) rmSync(dir, { recursive: true, force: true });
  else console.log(`  bridged: files kept in ${dir}`);
  if (answering.exitCode && answering.exitCode !== 0) console.log(`  answering SIPp: ${answeringOut.slice(-300)}`);

  const missed = (name) => results.find((r) => r.side === name && !r.held)?.n;
  // Up to the first miss: with everyStep a later step may be held again, which does not count.
  const best = (name) => Math.max(0, ...results.filter((r) => r.side === name && r.held && r.n < (missed(name) ?? Number.POSITIVE_INFINITY)).map((r) => r.n));
  const [ours, peer] = [best('Prolope'), best('rtpengine')];
  const ratio = peer ? ours / peer : Number.NaN;
  const note = (name) => (missed(name) ? `missed the rule at ${missed(name)}` : `held every step: a floor, raise BENCH_PBX_CALLS`);
  console.log(
    `bridged: most concurrent bridged calls held within the rule: Prolope ${ours} (${note('Prolope')}), rtpengine ${peer} (${note('rtpengine')}); ratio ${f(ratio, 2)}; target: Prolope ${TARGET_CALLS} calls (${2 * TARGET_CALLS} legs): ${ours >= TARGET_CALLS ? 'met' : 'NOT met'} (load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')})`,
  );
  json({ measure: 'pbx concurrent bridged calls, p99 <= 5 ms, vs rtpengine', ours, peer, ratio, target: TARGET_CALLS, met: ours >= TARGET_CALLS });
  return { ours, peer, ratio, results };
}

/** Issue 17's target: 200 concurrent bridged calls (400 media legs) within the rule. */
export const TARGET_CALLS = 200;
