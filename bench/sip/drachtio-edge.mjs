// bench/sip's drachtio backend (BENCH_SIP_DRACHTIO): a drachtio-server and an rtpengine in front of a
// Prolope server, as in production. SIPp calls drachtio-server's SIP port; rtpengine is the edge relay
// and Prolope's media plane (its media workers) answers behind it and plays the prompts. drachtio-server
// is in neither Debian nor npm: BENCH_SIP_DRACHTIO names a binary built from its public source.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { freeUdpPort } from './free-port.mjs';

const { Client } = createRequire(new URL('../../packages/server/package.json', import.meta.url))('rtpengine-client');

async function freeTcpPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Runs `cmd` and keeps the tail of what it prints. */
function run(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d) => {
    out = (out + d).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child, output: () => out };
}

async function until(what, check, output) {
  for (let i = 0; ; i++) {
    if (await check()) return;
    if (i > 100) throw new Error(`${what} did not start:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts rtpengine (RTP ports 40000-49999: four a call) and drachtio-server on loopback; answers the
 * settings for Prolope's config and the SIP port SIPp calls.
 */
export async function startDrachtioEdge(binary) {
  const ngPort = await freeUdpPort();
  const engine = run('rtpengine', [
    '--config-file=none',
    '--table=-1',
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${ngPort}`,
    '--port-min=40000',
    '--port-max=49999',
    '--foreground',
    '--log-stderr',
    '--log-level=4',
    '--delete-delay=0',
  ]);
  const client = new Client({ timeout: 200 });
  client.on('error', () => {});
  await until(
    'rtpengine',
    () =>
      client.ping(ngPort, '127.0.0.1').then(
        (r) => r.result === 'pong',
        () => false,
      ),
    engine.output,
  );
  client.close();

  const port = await freeTcpPort();
  const sipPort = await freeUdpPort();
  const secret = `bench-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'prolope-bench-drachtio-'));
  const config = join(dir, 'drachtio.conf.xml');
  writeFileSync(
    config,
    `<drachtio><admin port="${port}" secret="${secret}">127.0.0.1</admin><sip><contacts><contact>sip:127.0.0.1:${sipPort};transport=udp</contact></contacts></sip><logging><console/><loglevel>warning</loglevel></logging></drachtio>\n`,
  );
  const drachtio = run(binary, ['-f', config]);
  await until('drachtio-server', () => drachtio.output().includes('Starting sofia event loop') || drachtio.child.exitCode !== null, drachtio.output);
  if (drachtio.child.exitCode !== null) throw new Error(`drachtio-server exited (${drachtio.child.exitCode}):\n${drachtio.output()}`);
  return {
    config: { telephony: 'drachtio', drachtio: { host: '127.0.0.1', port, secret }, rtpengine: { host: '127.0.0.1', port: ngPort } },
    sipPort,
    pids: [engine.child.pid, drachtio.child.pid],
    stop() {
      drachtio.child.kill('SIGKILL');
      engine.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
