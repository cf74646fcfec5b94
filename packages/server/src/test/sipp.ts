import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

/** SIPp (Debian sip-tester) is the SIP peer in tests: a real, independent implementation. */
const which = spawnSync('which', ['sipp'], { encoding: 'utf8' });
export const SIPP: string | undefined = which.status === 0 ? which.stdout.trim() : undefined;
const STRICT = process.env.PROLOPE_TEST_STRICT === '1';

/** Call once per test file: fails the run without sipp under PROLOPE_TEST_STRICT=1, else explains the skip. */
export function requireSipp(suite: string): void {
  if (SIPP) return;
  if (STRICT) {
    describe(suite, () => {
      it('needs sipp (PROLOPE_TEST_STRICT=1)', () => {
        throw new Error('sipp is not installed but PROLOPE_TEST_STRICT=1: install SIPp (apt-get install sip-tester)');
      });
    });
  } else {
    console.warn(`[${suite}] skipping SIPp tests: \`sipp\` not found on PATH (install sip-tester; set PROLOPE_TEST_STRICT=1 to make this fatal)`);
  }
}

export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface SippRun {
  code: number | null;
  output: string;
  errors: string;
}

/** SIPp's exit status when it could not bind a socket (EXIT_BIND_ERROR, -2): see runSipp. */
const SIPP_BIND_FAILED = 254;

/**
 * Runs one SIPp scenario for one call against 127.0.0.1:serverPort; exit code 0 means it all matched.
 * The ports it is given were free a moment before, but another process may take one (or the RTCP
 * port beside the media port) first: SIPp then exits 254 as it opens its sockets, and the run is
 * made again on other ports, up to three times (seen on CI's loaded runs: a REGISTER test failed so).
 */
export async function runSipp(scenarioFile: string, service: string, serverPort: number, extra: string[] = [], localIp = '127.0.0.1'): Promise<SippRun> {
  for (let attempt = 1; ; attempt++) {
    const run = await runSippOnce(scenarioFile, service, serverPort, extra, localIp);
    if (run.code !== SIPP_BIND_FAILED || attempt === 3) return run;
  }
}

async function runSippOnce(scenarioFile: string, service: string, serverPort: number, extra: string[], localIp: string): Promise<SippRun> {
  if (!SIPP) throw new Error('sipp is not installed');
  const cwd = mkdtempSync(join(tmpdir(), 'prolope-sipp-'));
  try {
    const args = [
      '-sf',
      scenarioFile,
      '-m',
      '1',
      '-l',
      '1',
      // Only a hung call reaches it: a generous bound, since on a loaded CI machine a call with
      // ring timeouts, a greeting and a recording ran past the 20 s this once was (sipp exited 255).
      '-timeout',
      '60s',
      '-timeout_error',
      '-trace_err',
      '-nostdin',
      '-i',
      localIp,
      '-p',
      String(await freeUdpPort()),
      '-mp',
      String(await freeUdpPort()),
      '-s',
      service,
      ...extra,
      `127.0.0.1:${serverPort}`,
    ];
    const child = spawn(SIPP, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const errors = readdirSync(cwd)
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(join(cwd, f), 'utf8'))
      .join('\n');
    return { code, output, errors };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** A SIPp server (UAS) waiting for one call on 127.0.0.1:`port`; `done` settles when sipp exits. */
export interface SippUas {
  port: number;
  done: Promise<SippRun>;
  stop(): void;
}

/**
 * Starts SIPp as a UAS for one call (`-m 1`, no remote host) on `localIp`:`listenPort` (default: a free
 * port); `extra` adds e.g. `-set rtpport 40000`. `scenarioFile` may name a built-in scenario as
 * `builtin:uas` (`sipp -sn uas`, which answers with PCMU).
 */
export async function startSippUas(scenarioFile: string, extra: string[] = [], listenPort?: number, localIp = '127.0.0.1'): Promise<SippUas> {
  // As runSipp does: a media port taken meanwhile (SIPp binds mp+2 too) makes it exit 254 at once;
  // it starts again on other ports, up to three times (seen on CI's loaded runs: a carrier test failed so).
  for (let attempt = 1; ; attempt++) {
    const { uas, exitedEarly } = await startSippUasOnce(scenarioFile, extra, listenPort, localIp);
    if (exitedEarly !== SIPP_BIND_FAILED || attempt === 3) return uas;
  }
}

async function startSippUasOnce(
  scenarioFile: string,
  extra: string[],
  listenPort: number | undefined,
  localIp: string,
): Promise<{ uas: SippUas; exitedEarly: number | null | undefined }> {
  if (!SIPP) throw new Error('sipp is not installed');
  const cwd = mkdtempSync(join(tmpdir(), 'prolope-sipp-uas-'));
  const port = listenPort ?? (await freeUdpPort());
  const builtin = scenarioFile.startsWith('builtin:') ? scenarioFile.slice('builtin:'.length) : undefined;
  const args = [
    builtin ? '-sn' : '-sf',
    builtin ?? scenarioFile,
    '-m',
    '1',
    '-timeout',
    '25s',
    '-timeout_error',
    '-trace_err',
    '-nostdin',
    '-i',
    localIp,
    '-p',
    String(port),
    '-mp',
    String(await freeUdpPort()),
    ...extra,
  ];
  const child = spawn(SIPP, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  let exitedEarly: number | null | undefined;
  child.once('exit', (code) => {
    exitedEarly = code;
  });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve)).then((code) => {
    const errors = readdirSync(cwd)
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(join(cwd, f), 'utf8'))
      .join('\n');
    rmSync(cwd, { recursive: true, force: true });
    return { code, output, errors };
  });
  // Give sipp a moment to bind; our INVITE retransmissions (Timer A) cover a slow start anyway.
  await new Promise((r) => setTimeout(r, 300));
  return { uas: { port, done, stop: () => child.kill('SIGTERM') }, exitedEarly };
}
