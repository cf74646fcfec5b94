// bench/sip's media peer: rtpengine (Debian's rtpengine-daemon, userspace only, no kernel module)
// playing the same WAV to the same sink as Prolope's held calls, driven over its ng protocol with
// rtpengine-client (the library Prolope's drachtio backend uses). Each call is an offer whose SDP
// points at the sink, an answer, a `block media` for the sink's echo, and a `play media` toward the
// offerer of the hold audio in 20 ms blocks (mka.mjs); no SIP is involved, so the peer is rtpengine's
// media plane alone, which is what Prolope's media plane is compared with.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { freeUdpPort } from './free-port.mjs';

const { Client } = createRequire(new URL('../../packages/server/package.json', import.meta.url))('rtpengine-client');

const sdp = (port, origin) =>
  [
    'v=0',
    `o=${origin} 1 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 8`,
    'a=rtpmap:8 PCMA/8000',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');

/** Starts rtpengine with `ports` RTP ports (each call takes four: two legs, RTP and RTCP). */
export async function startRtpengine({ ports, nice }) {
  const ngPort = await freeUdpPort();
  const portMin = 50_000;
  const args = ['--config-file=none', '--table=-1', '--interface=127.0.0.1', `--listen-ng=127.0.0.1:${ngPort}`];
  args.push(`--port-min=${portMin}`, `--port-max=${portMin + ports - 1}`, '--foreground', '--log-stderr', '--log-level=4', '--delete-delay=0');
  const child = spawn('rtpengine', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d) => {
    out = (out + d).slice(-4000);
  });
  nice?.(child.pid);
  const client = new Client({ timeout: 2000 });
  client.on('error', () => {});
  const ng = async (name, params) => {
    const res = await client[name](ngPort, '127.0.0.1', params);
    if (res.result === 'error') throw new Error(`rtpengine ${name}: ${res['error-reason']}`);
    return res;
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`rtpengine exited (${child.exitCode}): ${out}`);
    try {
      await ng('ping', {});
      break;
    } catch (err) {
      if (i > 50) throw new Error(`rtpengine does not answer ng ping: ${err.message}\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let stopped = false;
  return {
    pid: child.pid,
    /**
     * `calls` calls at `rate`/s, each playing `mediaFile` to the sink at 127.0.0.1:`sinkPort`; resolves
     * when the last one has played for `holdMs` (rtpengine does not say when a play ends), then deletes them.
     */
    async hold({ calls, rate, mediaFile, sinkPort, holdMs, label }) {
      const started = performance.now();
      const ids = [];
      let failed = 0;
      const pending = [];
      for (let i = 0; i < calls; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        const callId = `${label}-${i}`;
        ids.push(callId);
        pending.push(
          (async () => {
            await ng('offer', { 'call-id': callId, 'from-tag': 'caller', sdp: sdp(sinkPort, 'caller'), replace: ['origin'] });
            // The answering leg's RTP goes to the discard port: only the caller side (the sink) hears anything.
            await ng('answer', { 'call-id': callId, 'from-tag': 'caller', 'to-tag': 'callee', sdp: sdp(9, 'callee') });
            // The sink's echo is received and dropped, as Prolope drops a held caller's audio, instead of
            // being forwarded to the discard port: a send per packet (and the kernel's ICMP answer) that
            // Prolope does not make (100-call probes on a busy machine: 1.5-2.4 s of CPU against 2.2-2.6 s).
            await ng('blockMedia', { 'call-id': callId, 'from-tag': 'caller' });
            await ng('playMedia', { 'call-id': callId, 'from-tag': 'caller', file: mediaFile });
          })().catch(() => {
            failed++;
          }),
        );
      }
      await Promise.all(pending);
      const left = started + ((calls - 1) * 1000) / rate + holdMs - performance.now();
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      await Promise.all(ids.map((id) => ng('delete', { 'call-id': id }).catch(() => {})));
      return { failed };
    },
    /**
     * bench/pbx's bridged call: rtpengine relays between a caller whose RTP comes from (and goes to)
     * 127.0.0.1:`callerPort` and a callee at 127.0.0.1:`calleePort` (an offer and an answer, as a SIP
     * proxy would send for the two legs); resolves with the ports rtpengine gave each side to send to.
     */
    async bridge(callId, { callerPort, calleePort }) {
      const offer = await ng('offer', { 'call-id': callId, 'from-tag': 'caller', sdp: sdp(callerPort, 'caller'), replace: ['origin'] });
      const answer = await ng('answer', { 'call-id': callId, 'from-tag': 'caller', 'to-tag': 'callee', sdp: sdp(calleePort, 'callee'), replace: ['origin'] });
      const port = (body) => Number(/^m=audio (\d+)/m.exec(body)?.[1]);
      return { callerSendsTo: port(answer.sdp), calleeSendsTo: port(offer.sdp) };
    },
    /** Ends a call made by {@link bridge} or {@link hold}. */
    end(callId) {
      return ng('delete', { 'call-id': callId }).catch(() => {});
    },
    stop() {
      if (stopped) return;
      stopped = true;
      client.close();
      child.kill('SIGKILL');
    },
  };
}
