import { Args, Flags, type Interfaces } from '@oclif/core';
import { toKebab } from './names.js';
import { isNullable, type JsonSchema, type OperationSpec, primaryType } from './schema.js';

/**
 * How a flag's value becomes JSON: scalars as they are, `list` from comma-separated or repeated
 * values, `map` from repeated `key=value` pairs.
 *
 * @example
 * ```ts
 * const kind: FlagKind = 'list'; // --scopes admin,contacts:read
 * ```
 */
export type FlagKind = 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'map';

/**
 * Ties one generated flag to the query parameter or body field it sets.
 *
 * @example
 * ```ts
 * const binding: FlagBinding = { flag: 'legal-entity.type', in: 'body', path: ['legal_entity', 'type'], kind: 'string', schema: { type: 'string' } };
 * ```
 */
export interface FlagBinding {
  /** The flag name without dashes, e.g. `legal-entity.legal-name`. */
  flag: string;
  in: 'query' | 'body';
  /** The API field path, e.g. `['legal_entity', 'legal_name']`. */
  path: readonly string[];
  kind: FlagKind;
  schema: JsonSchema;
}

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
export const RESERVED_FLAGS: readonly string[] = ['json', 'api-key', 'base-url', 'profile', 'data', 'all', 'max', 'idempotency-key', 'help'];

/**
 * How many items `--all` fetches when `--max` is not given.
 *
 * @example
 * ```ts
 * const max = flags.max ?? DEFAULT_MAX_ITEMS;
 * ```
 */
export const DEFAULT_MAX_ITEMS = 1000;

const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);

function kindOf(schema: JsonSchema): FlagKind | 'object' | undefined {
  const type = primaryType(schema);
  if (type === 'object') return schema.properties ? 'object' : 'map';
  if (type === 'array') {
    const item = schema.items ? primaryType(schema.items) : undefined;
    return item && SCALARS.has(item) ? 'list' : undefined;
  }
  return type && SCALARS.has(type) ? (type as FlagKind) : undefined;
}

function stringEnum(schema: JsonSchema | undefined): string[] | undefined {
  const values = schema?.enum?.filter((v) => v !== null);
  return values?.length && values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

/** Whether a boolean field accepts false, i.e. whether its flag gets a `--no-` variant. */
function allowsFalse(schema: JsonSchema): boolean {
  if (schema.const === true) return false;
  return !schema.enum || schema.enum.includes(false);
}

function describe(schema: JsonSchema, base: string, requirement: string | undefined, kind: FlagKind, path?: string): string {
  const parts: string[] = [];
  if (requirement) parts.push(`(${requirement})`);
  if (base) parts.push(base.trim().replace(/\s+/g, ' '));
  if (kind === 'list') parts.push('Comma-separated or repeated.');
  if (kind === 'map') parts.push('key=value; repeat for more pairs.');
  if (schema.format) parts.push(`Format: ${schema.format}.`);
  if (schema.default !== undefined) parts.push(`Server default: ${JSON.stringify(schema.default)}.`);
  if (isNullable(schema) && path) parts.push(`Clear it with -d ${path}=null.`);
  return parts.join(' ');
}

const numberFlag = Flags.custom<number>({
  parse: async (input) => {
    const n = Number(input);
    if (input.trim() === '' || !Number.isFinite(n)) throw new Error(`Expected a number but received: ${input}`);
    return n;
  },
});

type AnyFlag = Interfaces.FlagInput[string];

function makeFlag(kind: FlagKind, schema: JsonSchema, description: string, required: boolean): AnyFlag {
  switch (kind) {
    case 'string':
      return Flags.string({ description, required, options: stringEnum(schema) });
    case 'integer':
      return Flags.integer({ description, required, min: schema.minimum, max: schema.maximum });
    case 'number':
      return required ? numberFlag({ description, required: true }) : numberFlag({ description });
    case 'boolean':
      return Flags.boolean({ description, required, allowNo: allowsFalse(schema) });
    case 'list':
      return Flags.string({ description, required, multiple: true, delimiter: ',', options: stringEnum(schema.items) });
    case 'map':
      return Flags.string({ description, required, multiple: true });
  }
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

/**
 * Builds the command-line interface of one operation from its table row: path parameters become
 * required args in path order; query parameters and body fields become kebab-case flags, nested
 * object fields dotted flags (`--legal-entity.type`).
 *
 * @example
 * ```ts
 * const { bindings } = operationInterface(operationTable['accounts.create']!);
 * bindings.map((b) => b.flag); // ['name', 'legal-entity.type', …, 'signatory.confirms-authority', 'metadata']
 * ```
 */
export function operationInterface(op: OperationSpec): OperationInterface {
  const args: Interfaces.ArgInput = {};
  for (const name of op.pathParams) {
    const object = toKebab(op.resource).replace(/-/g, ' ').replace(/s$/, '');
    args[name] = Args.string({ required: true, description: name === 'id' ? `The id of the ${object}.` : `The ${name.replace(/_/g, ' ')}.` });
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
    flags[flag] = makeFlag(kind, param.schema, describe(param.schema, param.description, undefined, kind), param.required);
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
      const requirement = status === 'required' ? 'required' : status === 'with-parent' && own ? `required with --${parentFlag}.*` : undefined;
      const binding: FlagBinding = { flag, in: 'body', path: fieldPath, kind, schema: child };
      flags[flag] = makeFlag(kind, child, describe(child, child.description ?? '', requirement, kind, fieldPath.join('.')), false);
      bindings.push(binding);
      if (status === 'required') requiredExamples.push(binding);
    }
  };
  if (op.body) walk(op.body.schema, [], 'required', '');

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

  const command = `<%= config.bin %> ${toKebab(op.resource)} ${toKebab(op.action)}`;
  const positional = op.pathParams.map((p) => `<${p}>`).join(' ');
  const shown = requiredExamples.length ? requiredExamples : bindings.filter((b) => b.in === 'body').slice(0, 1);
  const example = [command, positional, ...shown.map(exampleValue)].filter(Boolean).join(' ');
  const examples = [example];
  if (op.paginated) examples.push(`${command} --all --max 500 --json`);
  return { args, flags, bindings, dataOnly, examples };
}
