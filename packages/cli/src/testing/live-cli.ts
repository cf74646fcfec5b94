// Test support: runs a long-running command (`listen`, `logs tail`) in-process with runCli while
// the test watches what it prints, then stops it the way Ctrl+C does. Not part of the package build.
import { type CliResult, runCli } from './run-cli.js';

/**
 * A command that is still running.
 *
 * @example
 * ```ts
 * const live = startCli(['logs', 'tail'], env);
 * await live.waitFor(/Tailing/);
 * const result = await live.stop();
 * ```
 */
export interface LiveCli {
  /** Resolves with the match once stdout or stderr (so far, together) matches; rejects if the command ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Sends SIGINT, as Ctrl+C does, and resolves with what the command printed and its exit code. */
  stop(): Promise<CliResult>;
}

type Write = typeof process.stdout.write;

/**
 * Starts `argv` with runCli and tees the output it captures, so a test can wait for a line
 * (`Ready!`) before acting. The tee goes on top of runCli's capture once runCli has put it in
 * place, and runCli's restore at the end removes it.
 *
 * @example
 * ```ts
 * const live = startCli(['listen', '--forward-to', 'http://127.0.0.1:4000/hooks'], env);
 * const [, secret] = await live.waitFor(/secret is (whsec_\S+)/);
 * ```
 */
export function startCli(argv: string[], env: Record<string, string | undefined> = {}): LiveCli {
  const original = { out: process.stdout.write, err: process.stderr.write };
  let seen = '';
  const watchers = new Set<() => void>();
  const finished = runCli(argv, env);
  let ended = false;
  void finished.then(
    () => {
      ended = true;
      for (const w of watchers) w();
    },
    () => {
      ended = true;
      for (const w of watchers) w();
    },
  );

  const tee = (capture: Write): Write =>
    ((chunk: string | Uint8Array, ...args: unknown[]) => {
      seen += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const w of watchers) w();
      return (capture as (...a: unknown[]) => boolean)(chunk, ...args);
    }) as Write;

  const installed = (async () => {
    // runCli swaps in its capture after loading the oclif config; wait for that moment.
    while (process.stdout.write === original.out && !ended) await new Promise((resolve) => setImmediate(resolve));
    if (ended) return;
    process.stdout.write = tee(process.stdout.write);
    process.stderr.write = tee(process.stderr.write);
  })();

  return {
    async waitFor(pattern) {
      await installed;
      return new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const match = seen.match(pattern);
          if (match) {
            watchers.delete(check);
            resolve(match);
          } else if (ended) {
            watchers.delete(check);
            void finished.then((r) => reject(new Error(`The command ended without printing ${pattern}:\n${r.stdout}\n${r.stderr}`)), reject);
          }
        };
        watchers.add(check);
        check();
      });
    },
    async stop() {
      await installed;
      process.emit('SIGINT', 'SIGINT');
      return finished;
    },
  };
}
