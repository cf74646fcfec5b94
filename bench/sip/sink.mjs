// The bench's RTP sink, in its own process: every call's SDP points Prolope's RTP here, and this
// process times each packet on arrival. It runs apart from run.mjs and at a raised priority so that
// its own scheduling delay stays out of the figures it measures (it still takes CPU from Prolope, which
// errs on the conservative side). Streams are told apart by SSRC (random per call, RFC 3550 §8.1), not
// by source port, which Prolope may hand to a later call of the same phase.
//
// A phase may ask for echo: each packet then goes back to where it came from under another SSRC, so
// Prolope also receives 50 packets/s per call like a real caller's, and its 30 s RTP timeout does not
// end held calls.
//
// bench/pbx's bridged calls also use it as the phones' RTP source: `send` starts paced 20 ms PCMA
// streams from this same socket (a B2BUA or rtpengine latches onto the address its RTP comes from,
// so the answers must come back here). Their payloads are tagged (a magic word and the source's own
// packet number), and a phase opened with `tagged` counts loss and pacing by that number: a relay
// that renumbers RTP (Prolope gives each leg its own SSRC and sequence) would hide a dropped packet
// from the RTP sequence, and packets the relay makes itself (no tag) are counted apart. The payload
// also carries when the packet left, so the receiver can tell what the path added to the intervals
// from the source's own lateness (a stall of this process on a busy machine).
import { createSocket } from 'node:dgram';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const SLOT_MS = 100;
/** |interval − 20 ms| histogram: 0.02 ms bins up to 2 s; anything beyond lands in the last bin (max is kept exactly). */
const BIN_MS = 0.02;
const BINS = 100_000;

/** The tag at the start of a generated payload ("PBXB"); the source's packet number follows it. */
const TAG = 0x50425842;

const newPhase = (name, echo = false, tagged = false) => ({
  name,
  echo,
  tagged,
  untagged: 0,
  sent: 0,
  t0: performance.now(),
  streams: new Map(),
  packets: 0,
  invalid: 0,
  lost: 0,
  lateOrDuplicate: 0,
  pairs: 0,
  tsSteps: 0,
  tsOff: 0,
  hist: new Uint32Array(BINS + 1),
  maxDev: 0,
  // Tagged only: |arrival interval - send interval|, what the path added to the source's own pacing.
  pathHist: new Uint32Array(BINS + 1),
  pathPairs: 0,
  maxPathDev: 0,
  slots: [],
});
let phase = newPhase('idle');
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

const socket = createSocket({ type: 'udp4', recvBufferSize: 16 * 1024 * 1024, sendBufferSize: 16 * 1024 * 1024 });
socket.on('message', (msg, rinfo) => {
  const t = performance.now();
  const p = phase;
  if (msg.length < 12 || msg[0] >> 6 !== 2) {
    p.invalid++;
    return;
  }
  let seq = msg.readUInt16BE(2);
  let sentAt = Number.NaN;
  if (p.tagged) {
    // Payload offset: past the CSRCs and a header extension (RFC 3550 §5.1, §5.3.1).
    let off = 12 + 4 * (msg[0] & 0x0f);
    if (msg[0] & 0x10 && msg.length >= off + 4) off += 4 + 4 * msg.readUInt16BE(off + 2);
    if (msg.length < off + 8 || msg.readUInt32BE(off) !== TAG) {
      p.untagged++;
      return;
    }
    seq = msg.readUInt32BE(off + 4) & 0xffff;
    if (msg.length >= off + 20) sentAt = msg.readDoubleBE(off + 12);
  }
  p.packets++;
  const marker = (msg[1] & 0x80) !== 0;
  const ts = msg.readUInt32BE(4);
  const ssrc = msg.readUInt32BE(8);
  let s = p.streams.get(ssrc);
  if (!s) {
    s = { first: t, last: t, seq, ts, arrival: t, sentAt, slot: -1, packets: 0, jitter: 0, jitterSum: 0, jitterCount: 0, jitterMax: 0 };
    p.streams.set(ssrc, s);
  } else {
    const dSeq = (seq - s.seq) & 0xffff;
    if (dSeq === 0 || dSeq > 0x8000) {
      // A duplicate or a packet overtaken by a later one: loopback should never do this.
      p.lateOrDuplicate++;
      return;
    }
    p.lost += dSeq - 1;
    // The marker bit opens a talkspurt (a new play): the timestamp may jump there by design, and the
    // send schedule restarts, so pacing and jitter are judged only between packets of one talkspurt.
    if (!marker) {
      const dTs = (ts - s.ts) >>> 0;
      if (dSeq === 1) {
        p.tsSteps++;
        if (dTs !== 160) p.tsOff++;
        const dev = Math.abs(t - s.arrival - 20);
        p.pairs++;
        p.hist[Math.min(BINS, Math.floor(dev / BIN_MS))]++;
        if (dev > p.maxDev) p.maxDev = dev;
        if (!Number.isNaN(sentAt)) {
          const pathDev = Math.abs(t - s.arrival - (sentAt - s.sentAt));
          p.pathPairs++;
          p.pathHist[Math.min(BINS, Math.floor(pathDev / BIN_MS))]++;
          if (pathDev > p.maxPathDev) p.maxPathDev = pathDev;
        }
      }
      // RFC 3550 §6.4.1 / A.8: D = (Rj − Ri) − (Sj − Si) in timestamp units, J += (|D| − J) / 16.
      const d = (t - s.arrival) * 8 - dTs;
      s.jitter += (Math.abs(d) - s.jitter) / 16;
      s.jitterSum += s.jitter;
      s.jitterCount++;
      if (s.jitter > s.jitterMax) s.jitterMax = s.jitter;
    }
    s.seq = seq;
    s.ts = ts;
    s.arrival = t;
    s.sentAt = sentAt;
    s.last = t;
  }
  s.packets++;
  const slot = Math.floor((t - p.t0) / SLOT_MS);
  if (slot !== s.slot) {
    s.slot = slot;
    p.slots[slot] = (p.slots[slot] ?? 0) + 1;
  }
  if (p.echo) echo(msg, rinfo);
});
function echo(msg, rinfo) {
  msg.writeUInt32BE((msg.readUInt32BE(8) ^ 0x5a5a5a5a) >>> 0, 8);
  socket.send(msg, rinfo.port, rinfo.address);
}

// The paced sources (`send`): every stream a packet each 20 ms from its own start, spread over the
// period so the streams do not all leave in one burst. A late timer sends what fell due (no packet is
// skipped), so a stall here shows at the receiving side as it would from a real phone.
const PTIME_MS = 20;
let sources = [];
let nextTag = 1;
let pacer;
function pace() {
  const now = performance.now();
  for (const s of sources) {
    while (s.due <= now) {
      const msg = Buffer.alloc(12 + 160, 0xd5);
      msg[0] = 0x80;
      msg[1] = (s.n === 0 ? 0x80 : 0) | 8;
      msg.writeUInt16BE((s.seq + s.n) & 0xffff, 2);
      msg.writeUInt32BE((s.ts + s.n * 160) >>> 0, 4);
      msg.writeUInt32BE(s.ssrc, 8);
      msg.writeUInt32BE(TAG, 12);
      msg.writeUInt32BE(s.n, 16);
      msg.writeUInt32BE(s.tag, 20);
      // When it really left (this process's clock): the receiver compares intervals, so clocks need not agree.
      msg.writeDoubleBE(performance.now(), 24);
      socket.send(msg, s.port, s.host);
      s.n++;
      phase.sent++;
      s.due += PTIME_MS;
    }
  }
}
const rand32 = () => Math.floor(Math.random() * 2 ** 32) >>> 0;
socket.on('error', (err) => {
  console.error('bench/sip sink:', err);
  process.exit(1);
});

function percentileOfHist(hist, total, q) {
  const want = Math.ceil(total * q);
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= want) return (i + 1) * BIN_MS;
  }
  return Number.NaN;
}

const percentile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] : 0);

function report() {
  const p = phase;
  const streams = [...p.streams.values()];
  const slots = Array.from({ length: p.slots.length }, (_, i) => p.slots[i] ?? 0);
  // Only the slots from the first to the last with media: the idle tail before SIPp exits says nothing.
  const firstActive = slots.findIndex((n) => n > 0);
  const active = firstActive < 0 ? [] : slots.slice(firstActive);
  // The most streams that stayed up together for a whole second (10 slots), so one lucky slot cannot inflate it.
  let sustained = 0;
  for (let i = 0; i + 10 <= active.length; i++) sustained = Math.max(sustained, Math.min(...active.slice(i, i + 10)));
  const starts = streams.map((s) => s.first).sort((a, b) => a - b);
  const withJitter = streams.filter((s) => s.jitterCount > 0);
  const jitterMeans = withJitter.map((s) => s.jitterSum / s.jitterCount / 8).sort((a, b) => a - b);
  return {
    name: p.name,
    streams: streams.length,
    sent: p.sent,
    untagged: p.untagged,
    packets: p.packets,
    invalid: p.invalid,
    lost: p.lost,
    lateOrDuplicate: p.lateOrDuplicate,
    tsSteps: p.tsSteps,
    tsOff: p.tsOff,
    intervals: p.pairs,
    devP50: percentileOfHist(p.hist, p.pairs, 0.5),
    devP99: percentileOfHist(p.hist, p.pairs, 0.99),
    devP999: percentileOfHist(p.hist, p.pairs, 0.999),
    devMax: p.maxDev,
    pathDevP99: p.pathPairs ? percentileOfHist(p.pathHist, p.pathPairs, 0.99) : Number.NaN,
    pathDevMax: p.pathPairs ? p.maxPathDev : Number.NaN,
    jitterMeanMs: jitterMeans.length ? jitterMeans.reduce((a, b) => a + b, 0) / jitterMeans.length : 0,
    jitterP99StreamMs: percentile(jitterMeans, 0.99),
    jitterPeakMs: withJitter.reduce((m, s) => Math.max(m, s.jitterMax / 8), 0),
    concurrentMax: active.length ? Math.max(...active) : 0,
    concurrentP50: percentile(
      active.filter((n) => n > 0).sort((a, b) => a - b),
      0.5,
    ),
    concurrentSustained: sustained,
    mediaSecondsAvg: streams.length ? streams.reduce((a, s) => a + (s.last - s.first), 0) / streams.length / 1000 : 0,
    // How fast calls actually reached media, whatever rate SIPp was asked for.
    mediaStartsPerSecond: starts.length > 1 ? (starts.length - 1) / ((starts.at(-1) - starts[0]) / 1000) : 0,
    // The histogram holds whole intervals between samples; lateness is what exceeds the 1 ms resolution.
    sinkLoopDelayP99Ms: Math.max(0, loopDelay.percentile(99) / 1e6 - 1),
    sinkLoopDelayMaxMs: Math.max(0, loopDelay.max / 1e6 - 1),
  };
}

process.on('message', (m) => {
  if (m === 'exit') {
    socket.close();
    process.exit(0);
  } else if (m.cmd === 'send') {
    const now = performance.now();
    for (const to of m.streams) {
      sources.push({
        host: to.host ?? '127.0.0.1',
        port: to.port,
        tag: nextTag++,
        ssrc: rand32(),
        seq: rand32() & 0xffff,
        ts: rand32(),
        n: 0,
        due: now + Math.random() * PTIME_MS,
      });
    }
    pacer ??= setInterval(pace, 1);
    process.send({ sources: sources.length });
  } else if (m.cmd === 'stop-send') {
    clearInterval(pacer);
    pacer = undefined;
    sources = [];
    process.send({ ok: true });
  } else if (m.cmd === 'phase') {
    phase = newPhase(m.name, m.echo === true, m.tagged === true);
    loopDelay.reset();
    process.send({ ok: true });
  } else if (m.cmd === 'report') {
    process.send({ report: report() });
  }
});

process.on('disconnect', () => process.exit(0));

socket.bind(0, '127.0.0.1', () => process.send({ port: socket.address().port }));
