import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeUdpPort, SIPP } from '../../test/sipp.js';
import { spawnCaptured } from '../../test/spawn-captured.js';
import { rtpengineBinary } from './rtpengine-daemon.test-helper.js';

/**
 * A real drachtio-server for the tests that need one (not the double): one the test starts
 * (`PROLOPE_DRACHTIO_BIN`, a drachtio binary built from its public source) or a running one
 * (`DRACHTIO_HOST`, `DRACHTIO_PORT`, `DRACHTIO_SECRET`; its SIP on `DRACHTIO_SIP_PORT`, default 5060).
 * `missing` says why such a test must skip (the interop suite and its timing test).
 */
export const bin = process.env.PROLOPE_DRACHTIO_BIN;
export const running =
  process.env.DRACHTIO_HOST && process.env.DRACHTIO_PORT && process.env.DRACHTIO_SECRET
    ? {
        host: process.env.DRACHTIO_HOST,
        port: Number(process.env.DRACHTIO_PORT),
        secret: process.env.DRACHTIO_SECRET,
        sipPort: Number(process.env.DRACHTIO_SIP_PORT ?? 5060),
      }
    : undefined;
export const rtpengine = rtpengineBinary();
export const missing =
  !bin && !running
    ? 'neither PROLOPE_DRACHTIO_BIN nor DRACHTIO_HOST/DRACHTIO_PORT/DRACHTIO_SECRET is set'
    : !SIPP
      ? 'sipp is not installed'
      : !rtpengine
        ? 'rtpengine is not installed'
        : undefined;

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no address');
  return address.port;
}

/**
 * A drachtio-server of ours: admin (control) port and SIP on loopback. It always reads a config file
 * (`--noconfig` only changes logging, v0.9.10), so it gets a minimal one.
 */
export async function startDrachtio(
  binary: string,
): Promise<{ host: string; port: number; secret: string; sipPort: number; output(): string; stop(): Promise<void> }> {
  const port = await freeTcpPort();
  const sipPort = await freeUdpPort();
  const secret = `interop-${process.pid}`;
  const dir = await mkdtemp(join(tmpdir(), 'prolope-drachtio-'));
  const config = join(dir, 'drachtio.conf.xml');
  await writeFile(
    config,
    `<drachtio><admin port="${port}" secret="${secret}">127.0.0.1</admin><sip><contacts><contact>sip:127.0.0.1:${sipPort};transport=udp</contact></contacts></sip><logging><console/><loglevel>info</loglevel></logging></drachtio>\n`,
  );
  const { child, output, exited } = spawnCaptured(binary, ['-f', config]);
  // Ready once its SIP stack runs (it listens for apps before that).
  for (let i = 0; !output().includes('Starting sofia event loop'); i++) {
    if (child.exitCode !== null || i > 100) {
      child.kill('SIGKILL');
      throw new Error(`drachtio-server did not start (${binary}):\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: '127.0.0.1',
    port,
    secret,
    sipPort,
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
