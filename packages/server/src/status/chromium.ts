import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

/** Debian chromium, headless, renders the status page in tests: a real browser, not an HTML parser. */
const which = spawnSync('which', ['chromium'], { encoding: 'utf8' });
export const CHROMIUM: string | undefined = which.status === 0 ? which.stdout.trim() : undefined;
const STRICT = process.env.PROLOPE_TEST_STRICT === '1';

/**
 * Flags for headless chromium on these machines: without the background-networking ones it tries
 * Google's hosts at every start and the closed network refuses them.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Call once per test file: fails the run without chromium under PROLOPE_TEST_STRICT=1, else explains the skip. */
export function requireChromium(suite: string): void {
  if (CHROMIUM) return;
  if (STRICT) {
    describe(suite, () => {
      it('needs chromium (PROLOPE_TEST_STRICT=1)', () => {
        throw new Error('chromium is not installed but PROLOPE_TEST_STRICT=1: install it (apt-get install chromium)');
      });
    });
  } else {
    console.warn(
      `[${suite}] skipping the headless-browser test: \`chromium\` not found on PATH (apt-get install chromium; set PROLOPE_TEST_STRICT=1 to make this fatal)`,
    );
  }
}

/**
 * Loads `url` in headless chromium and answers the DOM after load (scripts run), as chromium serializes it.
 * `--virtual-time-budget=<ms>` in `extra` lets timers fire that long (virtual) after load.
 */
export async function dumpDom(url: string, extra: string[] = [], timeoutMs = 45_000): Promise<string> {
  if (!CHROMIUM) throw new Error('chromium is not installed');
  const profile = mkdtempSync(join(tmpdir(), 'prolope-chromium-'));
  try {
    const args = [
      '--headless',
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${profile}`,
      ...extra,
      '--dump-dom',
      url,
    ];
    const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    if (code !== 0 || !out.includes('</html>')) throw new Error(`chromium exited ${code} without a DOM:\n${err.slice(-2000)}`);
    return out;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
