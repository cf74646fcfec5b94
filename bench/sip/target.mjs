// The SIP load target: a Prolope server on SQLite with one customer, two numbers and a trunk for
// 127.0.0.1, so SIPp can place authorized calls. Sends the call parameters to the parent over IPC.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

// BENCH_SERVER_ENTRY: another build's dist/index.js (run.mjs's BENCH_SIP_COMPARE), to measure a change.
const { startServer } = await import(process.env.BENCH_SERVER_ENTRY ?? '@prolope/server');

// BENCH_SIP_BACKEND=drachtio (run.mjs's BENCH_SIP_DRACHTIO): drachtio-server and rtpengine in front, as in production.
const edge =
  process.env.BENCH_SIP_BACKEND === 'drachtio' ? await (await import('./drachtio-edge.mjs')).startDrachtioEdge(process.env.BENCH_SIP_DRACHTIO) : undefined;
const server = await startServer({
  config: {
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'prolope-bench-sip-')),
    rateLimitPerSecond: 0,
    sipPort: 0,
    sipHost: '127.0.0.1',
    ...(edge?.config ?? {}),
  },
  // BENCH_SIP_SERVER_LOG=file keeps Prolope's warnings and errors, to see why a call failed under load.
  logger: process.env.BENCH_SIP_SERVER_LOG ? { level: 'warn', file: process.env.BENCH_SIP_SERVER_LOG } : false,
});
const api = async (key, method, path, body) => {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const op = server.createdOperatorKey;
const account = await api(op, 'POST', '/v1/accounts', {
  name: 'Bench PBX',
  legal_entity: { type: 'company', legal_name: 'Bench OOD', country: 'BG' },
  signatory: { name: 'B', email: 'b@example.com', confirms_age_18_or_over: true, confirms_authority: true },
});
const key = account.initial_api_key.secret;
const [from, to] = ['+35929100001', '+35929100002'];
await api(op, 'POST', '/v1/number-inventory', {
  numbers: [from, to].map((number) => ({ number, type: 'local', monthly_price: '1.00', setup_price: '0.00', currency: 'EUR' })),
});
for (const number of [from, to]) await api(key, 'POST', '/v1/numbers', { number });
const password = 'bench-Secret-2026';
await api(key, 'POST', '/v1/sip-trunks', {
  name: 'bench',
  allowed_ips: ['127.0.0.1'],
  allowed_caller_ids: [from],
  credentials: { username: 'bench-pbx', password },
});
process.send?.({ url: server.url, key, sipPort: edge?.sipPort ?? server.sipPort, from, to, username: 'bench-pbx', password });

// This file runs in Prolope's own process, so it can watch the event loop that sends every call's
// RTP: how busy it is (utilization, per whole run and busiest second) and how late its timers fire.
const DELAY_RESOLUTION_MS = 10;
const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
delay.enable();
let eluStart = performance.eventLoopUtilization();
let eluPrev = eluStart;
let eluPeak = 0;
setInterval(() => {
  const now = performance.eventLoopUtilization();
  eluPeak = Math.max(eluPeak, performance.eventLoopUtilization(now, eluPrev).utilization);
  eluPrev = now;
}, 1000).unref();

/** Calls whose CDR is still open, by the API's status filter (what a soak must end with none of). */
async function openCalls() {
  let n = 0;
  for (const status of ['queued', 'ringing', 'early_media', 'in_progress']) {
    let cursor;
    for (;;) {
      const page = await api(key, 'GET', `/v1/calls?status=${status}&limit=100${cursor ? `&starting_after=${cursor}` : ''}`);
      n += page.data.length;
      if (!page.has_more) break;
      cursor = page.next_cursor;
    }
  }
  return n;
}

/** What a soak watches for growth: memory (after a full GC when run.mjs exposed it), handles, descriptors, open calls. */
async function stats() {
  globalThis.gc?.();
  const mem = process.memoryUsage();
  return {
    rssMiB: mem.rss / 2 ** 20,
    heapUsedMiB: mem.heapUsed / 2 ** 20,
    handles: process.getActiveResourcesInfo().length,
    fds: readdirSync('/proc/self/fd').length,
    openCalls: await openCalls(),
  };
}

process.on('message', async (m) => {
  if (m === 'exit')
    server.close().then(() => {
      edge?.stop();
      process.exit(0);
    });
  else if (m?.cmd === 'stats') process.send({ stats: await stats() });
  else if (m?.cmd === 'loop-reset') {
    delay.reset();
    eluStart = eluPrev = performance.eventLoopUtilization();
    eluPeak = 0;
    process.send({ ok: true });
  } else if (m?.cmd === 'loop-report') {
    const elu = performance.eventLoopUtilization(performance.eventLoopUtilization(), eluStart).utilization;
    // The histogram holds whole intervals between samples; lateness is what exceeds the resolution.
    const late = (ns) => Math.max(0, ns / 1e6 - DELAY_RESOLUTION_MS);
    process.send({ loop: { delayP99Ms: late(delay.percentile(99)), delayMaxMs: late(delay.max), elu, eluPeak } });
  }
});
// Without run.mjs (Ctrl-C, a crash) nobody would stop this server.
process.on('disconnect', () => {
  edge?.stop();
  process.exit(0);
});
