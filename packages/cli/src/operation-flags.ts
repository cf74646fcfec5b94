import { Args, Flags, type Interfaces } from '@oclif/core';
import { type BodyArgBinding, bodyArgBindings, bodyArgInputs } from './body-args.js';
import type { FlagBinding } from './flag-binding.js';
import { type FlagKind, kindOf, makeFlag, stringEnum } from './flag-kinds.js';
import { resourceWords, toKebab } from './names.js';
import { cliSpec, isNullable, type JsonSchema, type OperationSpec } from './schema.js';
import { type ShortcutBinding, shortcutBindings, shortcutFlag } from './shortcuts.js';

export type { FlagKind } from './flag-kinds.js';
export type { FlagBinding } from './flag-binding.js';

/**
 * Everything generated from one operation: oclif args and flags, and the bindings that turn
 * parsed flags back into a request.
 *
 * @example
 * ```ts
 * const { args, flags, bindings } = operationInterface(operationTable['contacts.update']!);
 * ```
 */
export interface OperationInterface {
  args: Interfaces.ArgInput;
  flags: Interfaces.FlagInput;
  bindings: FlagBinding[];
  /** Body fields that have no flag of their own (arrays of objects, untyped values): set them with `--data`. */
  dataOnly: string[];
  /** Body fields also taken as positional args after the path params (`x-cli-args`). */
  bodyArgs: BodyArgBinding[];
  /** Extra flags that build parts of the body (`x-cli-shortcuts`), applied after the others. */
  shortcuts: ShortcutBinding[];
  /** The offline implementation's name (`x-cli-offline`); the path params are then optional. */
  offline: string | null;
  examples: string[];
}

/**
 * Flag names the CLI itself uses; a body field with one of these names gets the flag `--body.<name>`.
 *
 * @example
 * ```ts
 * RESERVED_FLAGS.includes('json'); // true
 * ```
 */
export const RESERVED_FLAGS: readonly string[] = ['json', 'api-key', 'base-url', 'profile', 'data', 'all', 'max', 'idempotency-key', 'help', 'wide'];

/**
 * How many items `--all` fetches when `--max` is not given.
 *
 * @example
 * ```ts
 * const max = flags.max ?? DEFAULT_MAX_ITEMS;
 * ```
 */
export const DEFAULT_MAX_ITEMS = 1000;

function describe(schema: JsonSchema, base: string, requirement: string | undefined, kind: FlagKind, path?: string, aliases: string[] = []): string {
  const parts: string[] = [];
  if (requirement) parts.push(`(${requirement})`);
  if (base) parts.push(base.trim().replace(/\s+/g, ' '));
  if (kind === 'list') parts.push('Comma-separated or repeated.');
  if (kind === 'map') parts.push('key=value; repeat for more pairs.');
  if (schema.format) parts.push(`Format: ${schema.format}.`);
  if (schema.default !== undefined) parts.push(`Server default: ${JSON.stringify(schema.default)}.`);
  if (isNullable(schema) && path) parts.push(`Clear it with -d ${path}=null.`);
  // oclif's help does not list flag aliases, so name them here.
  if (aliases.length) parts.push(`Also: ${aliases.map((a) => `--${a}`).join(', ')}.`);
  return parts.join(' ');
}

function exampleValue(binding: FlagBinding): string {
  const choices = binding.kind === 'list' ? stringEnum(binding.schema.items) : stringEnum(binding.schema);
  if (binding.kind === 'boolean') return `--${binding.flag}`;
  if (choices?.[0]) return `--${binding.flag} ${choices[0]}`;
  if (binding.kind === 'map') return `--${binding.flag} key=value`;
  if (binding.schema.format === 'email') return `--${binding.flag} ana@example.com`;
  if (binding.kind === 'integer' || binding.kind === 'number') return `--${binding.flag} 10`;
  return `--${binding.flag} '<${binding.path[binding.path.length - 1] ?? 'value'}>'`;
}

/** Flag aliases the spec declares for a field (`x-cli-aliases`), those still free, claimed. */
function claimAliases(schema: JsonSchema, taken: Set<string>): string[] {
  const free = (schema['x-cli-aliases'] ?? []).map(toKebab).filter((a) => !taken.has(a));
  for (const alias of free) taken.add(alias);
  return free;
}

function examplesFor(op: OperationSpec, cli: Omit<OperationInterface, 'examples' | 'args' | 'flags'>, requiredBody: FlagBinding[]): string[] {
  const command = `<%= config.bin %> ${toKebab(op.resource)} ${toKebab(op.action)}`;
  const positional = op.pathParams.map((p) => `<${p}>`).join(' ');
  const asArgs = new Set(cli.bodyArgs.map((a) => a.path.join('.')));
  const requiredQuery = cli.bindings.filter((b) => b.in === 'query' && op.query.some((q) => q.required && q.name === b.path[0]));
  const body = requiredBody.length ? requiredBody : cli.bindings.filter((b) => b.in === 'body').slice(0, 1);
  const shown = [...requiredQuery, ...body.filter((b) => !asArgs.has(b.path.join('.')))];
  const bodyArgs = cli.bodyArgs.map((a) => `<${a.name}>`).join(' ');
  const line = (...parts: string[]) => parts.filter(Boolean).join(' ');
  const examples = [line(command, positional, bodyArgs, ...shown.map(exampleValue))];
  if (cli.offline && positional) examples.push(line(command, bodyArgs, ...shown.map(exampleValue)));
  if (op.paginated) examples.push(`${command} --all --max 500 --json`);
  return examples;
}

/**
 * Builds the command-line interface of one operation from its table row: path parameters become
 * required args in path order (optional when the operation also runs offline), then the body fields
 * the spec lists in `cli.args`; query parameters and body fields become kebab-case flags, nested
 * object fields dotted flags (`--legal-entity.type`), plus the spec's shortcut flags.
 *
 * @throws Error when a shortcut flag clashes with another flag: a mistake in the spec.
 * @example
 * ```ts
 * const { bindings } = operationInterface(operationTable['accounts.create']!);
 * bindings.map((b) => b.flag); // ['name', 'legal-entity.type', …, 'signatory.confirms-authority', 'metadata']
 * ```
 */
export function operationInterface(op: OperationSpec): OperationInterface {
  const spec = cliSpec(op);
  const args: Interfaces.ArgInput = {};
  const object = resourceWords(op.resource).replace(/s$/, '');
  for (const name of op.pathParams) {
    const about = name === 'id' ? `The id of the ${object}.` : `The ${name.replace(/_/g, ' ')}.`;
    const offline = spec.offline ? ' Leave out to compute the answer offline, with no server or API key.' : '';
    args[name] = Args.string({ required: !spec.offline, description: about + offline });
  }

  const flags: Interfaces.FlagInput = {};
  const bindings: FlagBinding[] = [];
  const dataOnly: string[] = [];
  const taken = new Set(RESERVED_FLAGS);

  for (const param of op.query) {
    const kind = kindOf(param.schema);
    const flag = toKebab(param.name);
    if (!kind || kind === 'object' || taken.has(flag)) continue;
    taken.add(flag);
    const aliases = claimAliases(param.schema, taken);
    const description = describe(param.schema, param.description, undefined, kind, undefined, aliases);
    flags[flag] = makeFlag(kind, param.schema, { description, required: param.required, aliases });
    bindings.push({ flag, in: 'query', path: [param.name], kind, schema: param.schema });
  }

  const requiredExamples: FlagBinding[] = [];
  const walk = (schema: JsonSchema, path: string[], chain: 'required' | 'with-parent' | 'optional', parentFlag: string) => {
    for (const [field, child] of Object.entries(schema.properties ?? {})) {
      const fieldPath = [...path, field];
      const own = schema.required?.includes(field) ?? false;
      const status = own ? chain : 'optional';
      const kind = kindOf(child);
      let flag = fieldPath.map(toKebab).join('.');
      if (kind === 'object') {
        walk(child, fieldPath, own ? (chain === 'required' ? 'required' : 'with-parent') : 'with-parent', flag);
        continue;
      }
      if (!kind) {
        dataOnly.push(fieldPath.join('.'));
        continue;
      }
      if (taken.has(flag)) flag = `body.${flag}`;
      if (taken.has(flag)) {
        dataOnly.push(fieldPath.join('.'));
        continue;
      }
      taken.add(flag);
      const asArg = spec.args.includes(fieldPath.join('.')) ? `, or as the ${fieldPath.join('.').toUpperCase()} argument` : '';
      const requirement = status === 'required' ? `required${asArg}` : status === 'with-parent' && own ? `required with --${parentFlag}.*` : undefined;
      const binding: FlagBinding = { flag, in: 'body', path: fieldPath, kind, schema: child };
      const aliases = claimAliases(child, taken);
      const description = describe(child, child.description ?? '', requirement, kind, fieldPath.join('.'), aliases);
      flags[flag] = makeFlag(kind, child, { description, aliases });
      bindings.push(binding);
      if (status === 'required') requiredExamples.push(binding);
    }
  };
  if (op.body) walk(op.body.schema, [], 'required', '');

  const bodyArgs = bodyArgBindings(spec.args, op.pathParams, op.body?.schema, bindings);
  Object.assign(args, bodyArgInputs(bodyArgs));

  const shortcuts = shortcutBindings(spec.shortcuts, op.body?.schema);
  for (const s of shortcuts) {
    if (taken.has(s.shortcut.flag)) throw new Error(`The shortcut --${s.shortcut.flag} of ${op.resource}.${op.action} clashes with another flag`);
    taken.add(s.shortcut.flag);
    flags[s.shortcut.flag] = shortcutFlag(s);
  }

  if (op.body) {
    flags.data = Flags.string({
      char: 'd',
      multiple: true,
      description:
        'Body fields the flags do not cover: a JSON object (\'{"name":"Ana"}\'), @file.json, or key.path=value (API field names). Repeatable; named flags win.',
    });
  }
  if (op.idempotent) {
    flags['idempotency-key'] = Flags.string({
      description: 'Idempotency-Key header; retrying with the same key never repeats the action. Default: a fresh key.',
    });
  }
  if (op.paginated) {
    flags.all = Flags.boolean({ description: 'Fetch page after page until the end or --max items.' });
    flags.max = Flags.integer({ description: `With --all: the most items to fetch (default ${DEFAULT_MAX_ITEMS}).`, min: 1, dependsOn: ['all'] });
  }

  const built = { bindings, dataOnly, bodyArgs, shortcuts, offline: spec.offline };
  return { args, flags, ...built, examples: examplesFor(op, built, requiredExamples) };
}
