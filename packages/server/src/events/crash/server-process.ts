import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** The built entry point: the crash test kills the program users run, not the sources under vitest. */
export const mainJs = join(serverRoot, 'dist', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Test helpers (this folder among them) are not part of the build.
    if (entry.isDirectory()) newest = entry.name === 'test' || entry.name === 'crash' ? newest : Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Fails when there is no build; warns when the sources changed since, because the test would then run old code. */
export function requireBuild(): void {
  if (!existsSync(mainJs)) {
    throw new Error(`${mainJs} is missing: build first (npx -y pnpm@10 build; the root "pnpm test" builds before running vitest).`);
  }
  if (newestSource(join(serverRoot, 'src')) > statSync(mainJs).mtimeMs) {
    console.warn(`[crash test] ${mainJs} is older than packages/server/src: it runs the last build, not the current sources (npx -y pnpm@10 build).`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The built server as a child process, started again on the same environment (so the same port and
 * data) after it is killed. Its stderr is kept for the failure message.
 */
export function serverProcess(env: Record<string, string>) {
  let child: ChildProcess | undefined;
  let stderr = '';

  async function start(): Promise<void> {
    const proc = spawn(process.execPath, [mainJs], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('Prolope API on')) {
          proc.stdout?.off('data', onData);
          proc.stdout?.resume();
          proc.off('exit', onExit);
          resolve();
        }
      };
      const onExit = (code: number | null) => reject(new Error(`the server exited (${code}) before listening:\n${stderr}${out}`));
      proc.stdout?.on('data', onData);
      proc.once('exit', onExit);
    });
  }

  function exited(proc: ChildProcess): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => proc.once('exit', () => resolve()));
  }

  return {
    start,
    /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
    async kill(): Promise<void> {
      const proc = child;
      if (!proc) return;
      proc.kill('SIGKILL');
      await exited(proc);
    },
    async stop(): Promise<void> {
      const proc = child;
      if (!proc) return;
      proc.kill('SIGTERM');
      await exited(proc);
    },
    stderr: () => stderr,
  };
}
