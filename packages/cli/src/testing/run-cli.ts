// Test support: runs `prolope` commands in this process, the way bin/run.js would, and captures
// what they print. Not part of the package build.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Command, Config, Errors } from '@oclif/core';
import { commands, topics } from '../commands.js';

/**
 * What one run printed and how it ended.
 *
 * @example
 * ```ts
 * const { exitCode, stdout } = await runCli(['accounts', 'me', '--json']);
 * ```
 */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws if it is not). */
  json<T = Record<string, unknown>>(): T;
  /** stderr parsed as JSON (throws if it is not). */
  errorJson(): { error: { code: string; exit_code: number; message: string; api?: { status: number; code: string } } };
}

const root = fileURLToPath(new URL('../..', import.meta.url));
let config: Promise<Config> | undefined;

function loadConfig(): Promise<Config> {
  // The package.json points oclif at dist/commands.js; here the commands come from src instead,
  // so the config is loaded without command discovery and commands are looked up below.
  const pjson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  pjson.oclif = { ...pjson.oclif, commands: undefined, topics };
  config ??= Config.load({ root, pjson });
  return config;
}

// oclif resolves alias ids (`trunks:create`) from each class's `aliases`; do the same here.
const byAlias = new Map(Object.values(commands).flatMap((Cls) => (Cls.aliases ?? []).map((alias) => [alias, Cls] as const)));

function findCommand(argv: readonly string[]): { Cls: Command.Class; rest: string[] } {
  for (let n = Math.min(argv.length, 3); n > 0; n--) {
    const id = argv.slice(0, n).join(':');
    const Cls = commands[id] ?? byAlias.get(id);
    if (Cls) return { Cls, rest: argv.slice(n) };
  }
  throw new Error(`No command for ${argv.join(' ')}`);
}

type Write = typeof process.stdout.write;

/**
 * Runs one command line in-process against the real commands map, with `given` set in the
 * environment for the duration (`undefined` unsets), capturing stdout and stderr.
 *
 * @example
 * ```ts
 * const result = await runCli(['contacts', 'delete', 'ctc_123', '--json'], { PROLOPE_API_KEY: key });
 * expect(result.exitCode).toBe(0);
 * ```
 */
export async function runCli(argv: string[], given: Record<string, string | undefined> = {}): Promise<CliResult> {
  // Output is captured, as if piped: tables come out in full unless a test sets COLUMNS itself,
  // whatever COLUMNS the shell that started the tests exported.
  const env = { COLUMNS: undefined, ...given };
  const { Cls, rest } = findCommand(argv);
  const cfg = await loadConfig();
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const capture = (sink: string[]): Write =>
    ((chunk: string | Uint8Array, ...args: unknown[]) => {
      sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = args.find((a) => typeof a === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as Write;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  let exitCode = 0;
  try {
    await Cls.run(rest, cfg);
  } catch (error) {
    if (!(error instanceof Errors.ExitError)) throw error;
    exitCode = error.oclif.exit ?? 1;
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const stdout = out.join('');
  const stderr = err.join('');
  return {
    exitCode,
    stdout,
    stderr,
    json: <T>() => JSON.parse(stdout) as T,
    errorJson: () => JSON.parse(stderr),
  };
}
