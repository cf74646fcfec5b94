import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { freeUdpPort } from './sipp.js';

/** baresip (Debian `baresip`): a real softphone nobody here wrote, run headless as a user's phone. */
const which = spawnSync('which', ['baresip'], { encoding: 'utf8' });
export const BARESIP: string | undefined = which.status === 0 ? which.stdout.trim() : undefined;
const MODULES = '/usr/lib/baresip/modules';

/** Without baresip: a failing test under PROLOPE_TEST_STRICT=1, else a warning (the suite skips). */
export function requireBaresip(suite: string): void {
  if (BARESIP) return;
  if (process.env.PROLOPE_TEST_STRICT === '1') {
    describe(suite, () => {
      it('needs baresip (PROLOPE_TEST_STRICT=1)', () => {
        throw new Error('baresip is not installed but PROLOPE_TEST_STRICT=1: install it (apt-get install baresip)');
      });
    });
  } else {
    console.warn(`[${suite}] skipping: \`baresip\` not found on PATH (apt-get install baresip; set PROLOPE_TEST_STRICT=1 to make this fatal)`);
  }
}

export interface BaresipPhone {
  /** Its configuration directory (recordings written by sndfile land here too). */
  dir: string;
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /**
   * Ends baresip: SIGTERM (it unregisters), SIGKILL 3 s later if it is still running; resolves once it
   * has ended. The directory stays until remove() (a test may read what it recorded).
   */
  stop(): Promise<void>;
  remove(): void;
}

/** Every baresip this process started and has not seen end: killed when the process exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts baresip with one account that registers through our SIP port (its own configuration directory,
 * listening on a free loopback port). `config` adds lines after the SIP and module path (modules, audio
 * source and player: `audio_player aufile,/dev/null` and `audio_source aufile,/dev/null` by default);
 * `account` adds parameters to the account line (`;answermode=auto`); `files` are written into the
 * directory first (a microphone WAV).
 */
export async function startBaresip(o: BaresipOptions): Promise<BaresipPhone> {
  // baresip listens on TCP as well as UDP on its SIP port; a port free for UDP may be a TCP connection's
  // local port (seen on CI: "tcp: sock_bind: Address already in use", and baresip quit). Then it starts
  // again on another port, up to three times.
  for (let attempt = 1; ; attempt++) {
    const phone = await startBaresipOnce(o);
    const ended = await Promise.race([phone.exited.then(() => true), untilReady(phone)]);
    if (!(ended && /Address already in use/.test(phone.output())) || attempt === 3) return phone;
    phone.remove();
  }
}

/** Resolves false once baresip says it is ready, or after 5 s (an older baresip may not say so). */
async function untilReady(phone: BaresipPhone): Promise<false> {
  for (let waited = 0; waited < 5000 && !/baresip is ready/.test(phone.output()); waited += 50) await new Promise((r) => setTimeout(r, 50));
  return false;
}

interface BaresipOptions {
  aor: string;
  password: string;
  sipPort: number;
  regint?: number;
  config?: string[];
  account?: string;
  files?: Record<string, Buffer>;
  args?: string[];
}

async function startBaresipOnce(o: BaresipOptions): Promise<BaresipPhone> {
  const dir = mkdtempSync(join(tmpdir(), 'prolope-baresip-'));
  const port = await freeUdpPort();
  for (const [name, bytes] of Object.entries(o.files ?? {})) writeFileSync(join(dir, name), bytes);
  const lines = o.config ?? ['module g711.so', 'module_app account.so', 'audio_player aufile,/dev/null', 'audio_source aufile,/dev/null'];
  writeFileSync(join(dir, 'config'), [`sip_listen 127.0.0.1:${port}`, `module_path ${MODULES}`, ...lines.map((l) => l.replaceAll('$DIR', dir)), ''].join('\n'));
  writeFileSync(
    join(dir, 'accounts'),
    `<${o.aor}>;auth_pass=${o.password};outbound="sip:127.0.0.1:${o.sipPort};transport=udp";regint=${o.regint ?? 600}${o.account ?? ''}\n`,
  );
  const child = spawn(BARESIP!, ['-f', dir, ...(o.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  running.add(child);
  child.once('close', () => running.delete(child));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    dir,
    process: child,
    output: () => out,
    exited,
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      child.kill('SIGTERM');
      // A baresip caught in a loop (resubscribing to message-summary without end) ignores SIGTERM.
      // One such, left by a failed test that did not wait for it, spun for half an hour at 75 % of a
      // core and grew to 17 GB. So the test waits here until it has ended, SIGKILL after 3 s, and the
      // process's exit kills whatever is still running (above).
      const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
      return exited.then(() => clearTimeout(hard));
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
