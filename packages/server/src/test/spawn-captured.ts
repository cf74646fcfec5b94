import { type ChildProcess, spawn } from 'node:child_process';

/** A daemon a test starts (drachtio-server, rtpengine): its process, everything it printed so far, and its exit. */
export interface CapturedProcess {
  child: ChildProcess;
  /** stdout and stderr together, as printed so far: what a test waits on and shows when it fails. */
  output(): string;
  exited: Promise<void>;
}

export function spawnCaptured(binary: string, args: string[]): CapturedProcess {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => out, exited };
}
