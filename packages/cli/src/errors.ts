import { Errors } from '@oclif/core';
import { ApiError, AuthenticationError, ConnectionError, NotFoundError, PermissionError, ProlopeError, TimeoutError } from '@prolope/sdk';
import { explainFlagErrors, type FlagInfo } from './parse-errors.js';

/**
 * The process exit codes of every `prolope` command. They are part of the CLI's contract:
 * scripts may branch on them.
 *
 * @example
 * ```ts
 * if (result.exitCode === exitCodes.notFound) console.log('no such object');
 * ```
 */
export const exitCodes = {
  /** The command did what it was asked. */
  ok: 0,
  /** The API refused the request (400, 409, 422, 429, 5xx, …) or something else failed. */
  error: 1,
  /** The command line was wrong: unknown flag, missing argument or required field, bad `--data`. Nothing was sent. */
  usage: 2,
  /** No API key, or the API answered 401 (bad key) or 403 (missing scope). */
  auth: 3,
  /** The API answered 404: no such object (or a wrong base URL). */
  notFound: 4,
  /** No answer: connection refused, DNS failure, timeout. */
  connection: 5,
} as const;

/**
 * One of the values of {@link exitCodes}.
 *
 * @example
 * ```ts
 * const code: ExitCode = exitCodes.auth; // 3
 * ```
 */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/**
 * The stable machine-readable error codes the CLI prints (`error.code` with `--json`), each with its exit code.
 *
 * @example
 * ```ts
 * errorCodes.not_found; // 4
 * ```
 */
export const errorCodes = {
  usage_error: exitCodes.usage,
  missing_required_fields: exitCodes.usage,
  invalid_data: exitCodes.usage,
  profile_not_found: exitCodes.usage,
  config_invalid: exitCodes.error,
  server_not_installed: exitCodes.error,
  field_not_found: exitCodes.error,
  flow_invalid: exitCodes.error,
  flow_test_failed: exitCodes.error,
  no_api_key: exitCodes.auth,
  authentication_failed: exitCodes.auth,
  permission_denied: exitCodes.auth,
  not_found: exitCodes.notFound,
  api_error: exitCodes.error,
  connection_failed: exitCodes.connection,
  timeout: exitCodes.connection,
  internal_error: exitCodes.error,
} as const satisfies Record<string, ExitCode>;

/**
 * A stable CLI error code, a key of {@link errorCodes}.
 *
 * @example
 * ```ts
 * const code: CliErrorCode = 'no_api_key';
 * ```
 */
export type CliErrorCode = keyof typeof errorCodes;

/**
 * What the API said, when a {@link CliError} came from an API answer.
 *
 * @example
 * ```ts
 * const api: ApiErrorDetails = { status: 404, code: 'not_found', detail: 'No such contact', request_id: 'req_1', param: undefined };
 * ```
 */
export interface ApiErrorDetails {
  status: number;
  code: string;
  detail: string;
  request_id: string | undefined;
  param: string | undefined;
}

/**
 * An error the CLI reports to the user: a stable `code`, the matching `exitCode`, a message, and
 * the API's own details when the API refused the request.
 *
 * @example
 * ```ts
 * throw new CliError('missing_required_fields', 'Missing required field: --name');
 * ```
 */
export class CliError extends Error {
  override name = 'CliError';
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  readonly api: ApiErrorDetails | undefined;

  constructor(code: CliErrorCode, message: string, options: { api?: ApiErrorDetails; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.exitCode = errorCodes[code];
    this.api = options.api;
  }

  /**
   * The JSON printed to stderr with `--json`.
   *
   * @example
   * ```ts
   * process.stderr.write(`${JSON.stringify(new CliError('no_api_key', 'No API key').toJSON())}\n`);
   * ```
   */
  toJSON(): { error: { code: CliErrorCode; exit_code: ExitCode; message: string; api?: ApiErrorDetails } } {
    return { error: { code: this.code, exit_code: this.exitCode, message: this.message, ...(this.api ? { api: this.api } : {}) } };
  }
}

function apiCode(err: ApiError): CliErrorCode {
  if (err instanceof AuthenticationError) return 'authentication_failed';
  if (err instanceof PermissionError) return 'permission_denied';
  if (err instanceof NotFoundError) return 'not_found';
  return 'api_error';
}

/**
 * Maps anything a command may throw (SDK errors, oclif parse errors, bugs) to a {@link CliError}.
 * `flags`, the command's flag definitions, let oclif's validation errors name flags with their
 * dashes and say what to add.
 *
 * @example
 * ```ts
 * const err = toCliError(new Error('boom'));
 * err.code; // 'internal_error'
 * ```
 */
export function toCliError(err: unknown, flags: Readonly<Record<string, FlagInfo>> = {}): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof ApiError) {
    const api: ApiErrorDetails = { status: err.status, code: err.code, detail: err.detail, request_id: err.requestId, param: err.param };
    return new CliError(apiCode(err), err.message, { api, cause: err });
  }
  if (err instanceof ConnectionError) {
    const reason = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return new CliError('connection_failed', `${err.message}${reason}`, { cause: err });
  }
  if (err instanceof TimeoutError) return new CliError('timeout', err.message, { cause: err });
  if (err instanceof ProlopeError) return new CliError('api_error', err.message, { cause: err });
  // oclif's parser errors (unknown flag, missing argument, bad option) carry exit code 2.
  if (err instanceof Errors.CLIError) {
    const message = explainFlagErrors(err.message.replace(/\n?See more help with --help\s*$/, '').trim(), flags);
    return new CliError(err.oclif.exit === exitCodes.usage ? 'usage_error' : 'internal_error', message, { cause: err });
  }
  if (err instanceof TypeError && /path parameter/.test(err.message)) {
    return new CliError('usage_error', err.message, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CliError('internal_error', message, { cause: err });
}
