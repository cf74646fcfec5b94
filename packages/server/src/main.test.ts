import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, mainJs, requireBuild } from './events/crash/server-process.js';

// The program users run (`pnpm start` ends in it): a normal start prints nothing that looks like a
// problem, and SIGINT (Ctrl+C) or SIGTERM (a process manager) closes it with exit code 0.
describe('the built server process', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** The built server in a process of its own, on a free port and a fresh data folder. */
  const startMain = async () => {
    requireBuild();
    const dir = mkdtempSync(join(tmpdir(), 'prolope-main-'));
    dirs.push(dir);
    const port = await freePort();
    const proc = spawn(process.execPath, [mainJs], {
      env: { PATH: process.env.PATH ?? '', PROLOPE_PORT: String(port), PROLOPE_DATA_DIR: dir, PROLOPE_SIP_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { port, proc };
  };

  it.each(['SIGINT', 'SIGTERM'] as const)('starts without warnings and exits 0 on %s', async (signal) => {
    const { port, proc } = await startMain();
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      proc.on('close', (code, sig) => done({ code, signal: sig })),
    );
    // Up once it has logged that it listens and answers health.
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (out.includes('Prolope API on')) {
          proc.stdout.off('data', check);
          resolve();
        }
      };
      proc.stdout.on('data', check);
      proc.once('exit', (code) => reject(new Error(`exited (${code}) before listening:\n${out}`)));
    });
    const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
    expect(health.status).toBe(200);
    expect(out).toMatch(/pk_live_[A-Za-z0-9]{16,}/);
    expect(out).toContain('stocked 10 free test numbers to buy, +35929000001 to +35929000010');
    proc.kill(signal);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(out).toContain('Prolope stopped.');
    const logLines = out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((l) => l.level >= 40).map((l) => l.msg)).toEqual([]);
  });

  // CI's first command presses Ctrl+C once /v1/health answers. The API listens before SIP and the
  // rest have started, so the signal can come while startServer() is still running; it must still
  // close cleanly (once, on CI, it met Node's default handler and the process died mid-start).
  it('closes cleanly when SIGINT comes as soon as the API listens, before the start has finished', async () => {
    const { proc } = await startMain();
    let out = '';
    let signalled = false;
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!signalled && out.includes('Server listening at')) {
        signalled = true;
        proc.kill('SIGINT');
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    const exited = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      proc.on('close', (code, sig) => done({ code, signal: sig })),
    );
    expect(signalled).toBe(true);
    expect(exited).toEqual({ code: 0, signal: null });
    expect(out).toContain('Prolope stopped.');
  });
});
