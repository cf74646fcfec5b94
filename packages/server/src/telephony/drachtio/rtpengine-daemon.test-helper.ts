import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCaptured } from '../../test/spawn-captured.js';
import { RtpengineNg } from './rtpengine-ng.js';

/**
 * Test support: a real rtpengine (Debian's rtpengine-daemon) on loopback, userspace only (no kernel
 * module: --table=-1), started per test file on a free ng port and a private RTP port range, recording
 * (when asked by `start recording`) as pcap files into a private temp dir.
 */
export function rtpengineBinary(): string | undefined {
  // PROLOPE_RTPENGINE_BIN points at another build (or at nothing, to try the skip path).
  const override = process.env.PROLOPE_RTPENGINE_BIN;
  if (override !== undefined) return existsSync(override) ? override : undefined;
  try {
    return execFileSync('which', ['rtpengine'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A free UDP port on loopback (bound, read, released: fine for a test on one machine). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface RtpengineDaemon {
  ngPort: number;
  /** Its `--recording-dir` (`--recording-method=pcap`); removed by stop(). */
  recordingDir: string;
  output(): string;
  stop(): Promise<void>;
}

/** @param fixedNgPort the ng port to listen on (to restart on the port a server was configured with); a free one by default. */
export async function startRtpengine(binary: string, portRange: [number, number], extraArgs: string[] = [], fixedNgPort?: number): Promise<RtpengineDaemon> {
  const ngPort = fixedNgPort ?? (await freeUdpPort());
  const recordingDir = await mkdtemp(join(tmpdir(), 'prolope-rtpengine-rec-'));
  const args = [
    '--config-file=none',
    '--table=-1',
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${ngPort}`,
    `--port-min=${portRange[0]}`,
    `--port-max=${portRange[1]}`,
    '--foreground',
    '--log-stderr',
    '--log-level=6',
    `--recording-dir=${recordingDir}`,
    '--recording-method=pcap',
    ...extraArgs,
  ];
  const { child, output, exited } = spawnCaptured(binary, args);
  // Ready when it answers an ng ping.
  const ng = new RtpengineNg({ host: '127.0.0.1', port: ngPort, timeoutMs: 200 });
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`rtpengine exited (${child.exitCode}):\n${output()}`);
      try {
        await ng.ping();
        break;
      } catch (err) {
        if (i > 50) throw new Error(`rtpengine did not answer ng ping: ${String(err)}\n${output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    child.kill('SIGKILL');
    await rm(recordingDir, { recursive: true, force: true });
    throw err;
  } finally {
    ng.close();
  }
  return {
    ngPort,
    recordingDir,
    output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      await rm(recordingDir, { recursive: true, force: true });
    },
  };
}
