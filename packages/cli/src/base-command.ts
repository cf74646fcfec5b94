import { Command, Errors, Flags, toConfiguredId } from '@oclif/core';
import { CliError, exitCodes, toCliError } from './errors.js';
import { fieldRequested, formatField, pickField } from './field.js';
import { writeErr, writeJson, writeOut } from './output.js';
import type { Layout } from './render.js';
import { terminalWidth } from './terminal-width.js';

/**
 * The `--wide` flag of commands that print tables: every value in full instead of a table fitted
 * to the terminal.
 *
 * @example
 * ```ts
 * static override flags = { wide: wideFlag };
 * ```
 */
export const wideFlag = Flags.boolean({
  description: 'Print every column in full; by default tables are fitted to the terminal, long values cut with …. Piped output is in full anyway.',
});

/**
 * Whether `--json` appears in argv before any `--`.
 *
 * @example
 * ```ts
 * jsonRequested(['contacts', 'list', '--json']); // true
 * ```
 */
export function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const index = argv.indexOf('--json');
  return index !== -1 && (end === -1 || index < end);
}

function fieldNames(value: unknown): string {
  return value !== null && typeof value === 'object' ? Object.keys(value).join(', ') : '(none: the result is not an object)';
}

/**
 * The base of every `prolope` command: the `--json` flag, result printing (JSON or readable
 * text on stdout) and error reporting (text or JSON on stderr, with the documented exit codes).
 *
 * @example
 * ```ts
 * class Hello extends BaseCommand {
 *   async run(): Promise<void> {
 *     await this.parse(Hello);
 *     this.print({ hello: 'world' }, (v) => `hello ${v.hello}`);
 *   }
 * }
 * ```
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    json: Flags.boolean({ description: 'Print the result as JSON on stdout, and errors as JSON on stderr.', helpGroup: 'GLOBAL' }),
    field: Flags.string({
      description: 'Print only this field of the result (a dotted path such as initial_api_key.secret), for $(...) in scripts.',
      helpGroup: 'GLOBAL',
    }),
  };

  /** True with `--json`; read from argv so that errors while parsing are reported as JSON too. */
  override jsonEnabled(): boolean {
    return jsonRequested(this.argv);
  }

  /**
   * Prints a result: pretty JSON with `--json`, else what `human` makes of it.
   *
   * @example
   * ```ts
   * this.print(account, renderObject);
   * ```
   */
  protected print<T>(value: T, human: (value: T) => string): void {
    const field = fieldRequested(this.argv);
    if (field !== undefined) {
      const picked = pickField(value, field);
      if (!picked.found) {
        // The request has been made by now (an account created, a key shown once): print all of the
        // result so nothing is lost, to stderr so `$(...)` captures nothing, and fail.
        writeJson(value, 'stderr');
        throw new CliError('field_not_found', `The result has no field "${field}"; all of it is printed above. Fields: ${fieldNames(value)}.`);
      }
      if (this.jsonEnabled()) writeJson(picked.value);
      else writeOut(formatField(picked.value));
      return;
    }
    if (this.jsonEnabled()) writeJson(value);
    else writeOut(human(value));
  }

  /**
   * How tables are laid out: fitted to the terminal (see `terminalWidth`), or in full with `--wide`.
   *
   * @example
   * ```ts
   * this.print(page, (p) => renderList(p.data, this.layout(flags)));
   * ```
   */
  protected layout(flags: { wide?: boolean | undefined }): Layout {
    return { width: flags.wide ? undefined : terminalWidth() };
  }

  /**
   * Prints a side note (hints, warnings) to stderr, never with `--json`.
   *
   * @example
   * ```ts
   * this.note('More results: add --all');
   * ```
   */
  protected note(text: string): void {
    if (!this.jsonEnabled()) writeErr(text);
  }

  /** Reports any error once, in the chosen format, and exits with its documented code. */
  protected override async catch(err: Error & { exitCode?: number }): Promise<never> {
    if (err instanceof Errors.ExitError) throw err;
    const error = toCliError(err, { ...this.ctor.baseFlags, ...this.ctor.flags });
    if (this.jsonEnabled()) {
      writeJson(error.toJSON(), 'stderr');
    } else {
      const help = error.exitCode === exitCodes.usage && this.id ? `\nSee: ${this.config.bin} ${toConfiguredId(this.id, this.config)} --help` : '';
      writeErr(`Error: ${error.message}${help}`);
      if (error.code === 'internal_error' && process.env.DEBUG && err.stack) writeErr(err.stack);
    }
    return this.exit(error.exitCode);
  }
}
