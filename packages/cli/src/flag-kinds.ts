import { Flags, type Interfaces } from '@oclif/core';
import { type JsonSchema, primaryType } from './schema.js';

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

const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * The flag kind a schema gets: `object` for objects with properties (they become dotted flags),
 * `undefined` when no flag fits (arrays of objects, untyped values: those are set with `--data`).
 *
 * @example
 * ```ts
 * kindOf({ type: 'array', items: { type: 'string' } }); // 'list'
 * kindOf({ type: 'object' }); // 'map'
 * ```
 */
export function kindOf(schema: JsonSchema): FlagKind | 'object' | undefined {
  const type = primaryType(schema);
  if (type === 'object') return schema.properties ? 'object' : 'map';
  if (type === 'array') {
    const item = schema.items ? primaryType(schema.items) : undefined;
    return item && SCALARS.has(item) ? 'list' : undefined;
  }
  return type && SCALARS.has(type) ? (type as FlagKind) : undefined;
}

/**
 * The schema's enum when every value is a string (oclif `options`), `null` left out.
 *
 * @example
 * ```ts
 * stringEnum({ enum: ['ip', 'web'] }); // ['ip', 'web']
 * ```
 */
export function stringEnum(schema: JsonSchema | undefined): string[] | undefined {
  const values = schema?.enum?.filter((v) => v !== null);
  return values?.length && values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

/** Whether a boolean field accepts false, i.e. whether its flag gets a `--no-` variant. */
function allowsFalse(schema: JsonSchema): boolean {
  if (schema.const === true) return false;
  return !schema.enum || schema.enum.includes(false);
}

const numberFlag = Flags.custom<number>({
  parse: async (input) => {
    const n = Number(input);
    if (input.trim() === '' || !Number.isFinite(n)) throw new Error(`Expected a number but received: ${input}`);
    return n;
  },
});

/**
 * One oclif flag definition, whatever its kind.
 *
 * @example
 * ```ts
 * const flags: Record<string, AnyFlag> = { lines: makeFlag('integer', { type: 'integer' }, { description: 'Lines' }) };
 * ```
 */
export type AnyFlag = Interfaces.FlagInput[string];

/**
 * Makes the oclif flag for a kind: enums become `options`, integer bounds `min`/`max`, lists split
 * on commas, booleans get `--no-` unless the schema allows only `true`.
 *
 * @example
 * ```ts
 * makeFlag('list', { type: 'array', items: { type: 'string' } }, { description: 'Scopes', aliases: ['scope'] });
 * ```
 */
export function makeFlag(kind: FlagKind, schema: JsonSchema, opts: { description: string; required?: boolean; aliases?: string[] }): AnyFlag {
  const { description, aliases } = opts;
  const required = opts.required ?? false;
  const common = { description, required, ...(aliases?.length ? { aliases } : {}) };
  switch (kind) {
    case 'string':
      return Flags.string({ ...common, options: stringEnum(schema) });
    case 'integer':
      return Flags.integer({ ...common, min: schema.minimum, max: schema.maximum });
    case 'number':
      return required ? numberFlag({ ...common, required: true }) : numberFlag({ ...common, required: false });
    case 'boolean':
      return Flags.boolean({ ...common, allowNo: allowsFalse(schema) });
    case 'list':
      return Flags.string({ ...common, multiple: true, delimiter: ',', options: stringEnum(schema.items) });
    case 'map':
      return Flags.string({ ...common, multiple: true });
  }
}
