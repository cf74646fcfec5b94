import { readFileSync } from 'node:fs';
import { CliError } from './errors.js';
import { toSnake } from './names.js';
import type { FlagBinding } from './flag-binding.js';
import { isNullable, type JsonSchema, primaryType } from './schema.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `source` into `target` in place: nested objects merge, anything else replaces.
 *
 * @example
 * ```ts
 * deepMerge({ a: { b: 1 } }, { a: { c: 2 } }); // { a: { b: 1, c: 2 } }
 * ```
 */
export function deepMerge(target: JsonObject, source: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    target[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return target;
}

/**
 * Sets `value` at `path`, creating objects on the way.
 *
 * @example
 * ```ts
 * const body = {};
 * setPath(body, ['legal_entity', 'type'], 'company'); // body is { legal_entity: { type: 'company' } }
 * ```
 */
export function setPath(target: JsonObject, path: readonly string[], value: unknown): void {
  let node = target;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (isObject(next)) {
      node = next;
    } else {
      const created: JsonObject = {};
      node[key] = created;
      node = created;
    }
  }
}

function fail(message: string): never {
  throw new CliError('invalid_data', message);
}

/**
 * Reads a command-line string as the JSON value the schema wants: strings stay strings, numbers
 * and booleans are parsed, `null` is null where the field allows it, anything else is tried as JSON.
 *
 * @example
 * ```ts
 * coerce('42', { type: 'integer' }, 'limit'); // 42
 * coerce('null', { type: ['string', 'null'] }, 'phone'); // null
 * coerce('0888123456', { type: 'string' }, 'phone'); // '0888123456'
 * ```
 */
export function coerce(raw: string, schema: JsonSchema | undefined, where: string): unknown {
  if (raw === 'null' && (!schema || isNullable(schema))) return null;
  const type = schema ? primaryType(schema) : undefined;
  switch (type) {
    case 'string':
      return raw;
    case 'integer':
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) {
        fail(`${where} must be ${type === 'integer' ? 'a whole number' : 'a number'}, got "${raw}"`);
      }
      return n;
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      return fail(`${where} must be true or false, got "${raw}"`);
    case 'array':
      if (raw.trim().startsWith('[')) return parseJson(raw, where);
      return raw === '' ? [] : raw.split(',').map((item, i) => coerce(item.trim(), schema?.items, `${where}[${i}]`));
    default:
      try {
        return JSON.parse(raw);
      } catch {
        return raw;
      }
  }
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    return fail(`${where} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Maps `legal-entity.vat-number` to the API path `['legal_entity', 'vat_number']`, and finds its schema. */
function resolvePath(dotted: string, root: JsonSchema): { path: string[]; schema: JsonSchema | undefined } {
  let schema: JsonSchema | undefined = root;
  const path: string[] = [];
  for (const segment of dotted.split('.')) {
    if (segment === '') fail(`--data key "${dotted}" has an empty segment`);
    const props: Readonly<Record<string, JsonSchema>> = schema?.properties ?? {};
    const name = Object.hasOwn(props, segment) ? segment : Object.hasOwn(props, toSnake(segment)) ? toSnake(segment) : segment;
    path.push(name);
    schema = Object.hasOwn(props, name) ? props[name] : undefined;
  }
  return { path, schema };
}

/**
 * Turns one `--data` value into a partial body: a JSON object, `@file` holding one, or
 * `key.path=value` where the value is read as the schema says (see {@link coerce}).
 *
 * @throws CliError `invalid_data` for anything else.
 * @example
 * ```ts
 * parseDataArg('legal_entity.vat_number=BG123456789', schema); // { legal_entity: { vat_number: 'BG123456789' } }
 * parseDataArg('{"metadata":{"team":"ops"}}', schema); // { metadata: { team: 'ops' } }
 * ```
 */
export function parseDataArg(input: string, schema: JsonSchema): JsonObject {
  const trimmed = input.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('@')) {
    let text = trimmed;
    if (trimmed.startsWith('@')) {
      try {
        text = readFileSync(trimmed.slice(1), 'utf8');
      } catch (err) {
        return fail(`--data ${trimmed}: cannot read the file (${(err as Error).message})`);
      }
    }
    const value = parseJson(text, `--data ${trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed}`);
    if (!isObject(value)) fail('--data JSON must be an object, e.g. \'{"name":"Ana"}\'');
    return value;
  }
  const eq = input.indexOf('=');
  if (eq <= 0) fail(`--data "${input}" is neither a JSON object, @file.json, nor key.path=value`);
  const { path, schema: fieldSchema } = resolvePath(input.slice(0, eq), schema);
  const out: JsonObject = {};
  setPath(out, path, coerce(input.slice(eq + 1), fieldSchema, `--data ${input.slice(0, eq)}`));
  return out;
}

/**
 * The JSON value of one parsed flag: `list` items coerced to the item type, `map` pairs turned
 * into an object.
 *
 * @example
 * ```ts
 * flagValue({ flag: 'metadata', in: 'body', path: ['metadata'], kind: 'map', schema: { type: 'object' } }, ['team=ops']);
 * // { team: 'ops' }
 * ```
 */
export function flagValue(binding: FlagBinding, value: unknown): unknown {
  if (binding.kind === 'list' && Array.isArray(value)) {
    return value.map((item, i) => (typeof item === 'string' ? coerce(item, binding.schema.items, `--${binding.flag}[${i}]`) : item));
  }
  if (binding.kind === 'map' && Array.isArray(value)) {
    const out: JsonObject = {};
    for (const pair of value as string[]) {
      const eq = pair.indexOf('=');
      if (eq <= 0) fail(`--${binding.flag} takes key=value, got "${pair}"`);
      out[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return out;
  }
  return value;
}

/**
 * Builds the request body: each `--data` value merged in order, then the named flags on top.
 *
 * @example
 * ```ts
 * buildBody(['{"name":"Old"}'], [[nameBinding, 'Ana']], schema); // { name: 'Ana' }
 * ```
 */
export function buildBody(data: readonly string[], flags: readonly (readonly [FlagBinding, unknown])[], schema: JsonSchema): JsonObject {
  const body: JsonObject = {};
  for (const input of data) deepMerge(body, parseDataArg(input, schema));
  for (const [binding, value] of flags) {
    if (value !== undefined) setPath(body, binding.path, flagValue(binding, value));
  }
  return body;
}
