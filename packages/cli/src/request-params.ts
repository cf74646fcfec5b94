import type { LooseRequestParams } from '@prolope/sdk';
import { applyBodyArgs } from './body-args.js';
import { buildBody, flagValue } from './body-builder.js';
import { CliError } from './errors.js';
import type { OperationInterface } from './operation-flags.js';
import { missingRequired } from './required-fields.js';
import type { OperationSpec } from './schema.js';
import { applyShortcuts } from './shortcuts.js';

type Parsed = Readonly<Record<string, unknown>>;

/** How to give a missing field: its positional arg, its flag, a shortcut that makes it, else `-d`. */
function howToGive(path: readonly string[], cli: OperationInterface): string {
  const dotted = path.join('.');
  const arg = cli.bodyArgs.find((a) => a.path.join('.') === dotted);
  const flag = cli.bindings.find((b) => b.in === 'body' && b.path.join('.') === dotted)?.flag;
  const shortcut = cli.shortcuts.find((s) => s.action === 'list' && s.path.join('.') === dotted)?.shortcut.flag;
  if (arg) return `<${arg.name}>${flag ? ` (or --${flag})` : ''}`;
  if (flag) return `--${flag}`;
  if (shortcut) return `--${shortcut}`;
  return `-d ${dotted}=…`;
}

function missingMessage(paths: readonly (readonly string[])[], cli: OperationInterface): string {
  const names = paths.map((path) => howToGive(path, cli));
  const one = names.length === 1;
  const what = names.some((n) => n.startsWith('<')) ? (one ? 'it' : 'them') : one ? 'the flag' : 'the flags';
  return `Missing required field${one ? '' : 's'}: ${names.join(', ')}. Give ${what} or set ${one ? 'it' : 'them'} with --data.`;
}

function hasPath(body: Record<string, unknown>, path: readonly string[]): boolean {
  let node: unknown = body;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== undefined;
}

/**
 * Builds the request one command line asks for, from the parsed args and flags: the path params;
 * the query flags; and the body, built in this order: `--data` values, the named flags, the
 * positional body args, then the shortcut flags. The body is checked for required fields only after
 * all of that, so a field any of them sets counts. Positional body args are required too: as the
 * arg, its flag, or `--data`.
 *
 * An operation with an offline implementation may leave out all its path params; `path` is then absent.
 *
 * @throws CliError `missing_required_fields` before anything is sent; `usage_error` for some but not
 *   all path params; `invalid_data` for a bad `--data` or value.
 * @example
 * ```ts
 * const op = operationTable['numbers.buy']!;
 * requestParams(op, operationInterface(op), { number: '+35929000001' }, {}); // { body: { number: '+35929000001' } }
 * ```
 */
export function requestParams(op: OperationSpec, cli: OperationInterface, args: Parsed, flags: Parsed): LooseRequestParams {
  const params: LooseRequestParams = {};
  const given = op.pathParams.filter((name) => args[name] !== undefined);
  if (given.length && given.length < op.pathParams.length) {
    const missing = op.pathParams.filter((name) => args[name] === undefined);
    throw new CliError('usage_error', `Give all of ${op.pathParams.map((p) => `<${p}>`).join(' ')}, or none; missing: ${missing.join(', ')}.`);
  }
  if (given.length) params.path = Object.fromEntries(op.pathParams.map((name) => [name, String(args[name])]));

  const query: Record<string, unknown> = {};
  for (const b of cli.bindings) {
    if (b.in === 'query' && flags[b.flag] !== undefined) query[b.path[0] ?? b.flag] = flagValue(b, flags[b.flag]);
  }
  if (Object.keys(query).length) params.query = query;

  if (op.body) {
    const named = cli.bindings.filter((b) => b.in === 'body').map((b) => [b, flags[b.flag]] as const);
    const body = buildBody((flags.data as string[] | undefined) ?? [], named, op.body.schema);
    applyBodyArgs(body, cli.bodyArgs, args, flags);
    applyShortcuts(body, cli.shortcuts, flags);
    const missing = missingRequired(body, op.body.schema);
    for (const arg of cli.bodyArgs) {
      if (!hasPath(body, arg.path) && !missing.some((m) => m.join('.') === arg.path.join('.'))) missing.push(arg.path);
    }
    if (missing.length) throw new CliError('missing_required_fields', missingMessage(missing, cli));
    if (op.body.required || Object.keys(body).length) params.body = body;
  }
  return params;
}
