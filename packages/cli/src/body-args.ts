import { Args, type Interfaces } from '@oclif/core';
import { coerce, setPath } from './body-builder.js';
import { CliError } from './errors.js';
import type { FlagBinding } from './flag-binding.js';
import { fieldSchema, type JsonSchema } from './schema.js';

/**
 * A body field the spec lets the command take as a positional arg after the path params
 * (`x-cli-args`): `prolope numbers buy +35929000001` sets `number`.
 *
 * @example
 * ```ts
 * const arg: BodyArgBinding = { name: 'number', path: ['number'], schema: { type: 'string' }, flag: 'number' };
 * ```
 */
export interface BodyArgBinding {
  /** The arg's name in oclif and in help (`NUMBER`). */
  name: string;
  path: string[];
  schema: JsonSchema | undefined;
  /** The field's own flag, which works too; `undefined` when the field has none. */
  flag: string | undefined;
}

/**
 * Resolves the spec's positional body fields (dotted API paths) against the body schema and the flags.
 *
 * @throws Error when an arg has the name of a path param: a mistake in the spec.
 * @example
 * ```ts
 * bodyArgBindings(['number'], [], op.body!.schema, operationInterface(op).bindings); // [{ name: 'number', … flag: 'number' }]
 * ```
 */
export function bodyArgBindings(
  fields: readonly string[],
  pathParams: readonly string[],
  body: JsonSchema | undefined,
  flags: readonly FlagBinding[],
): BodyArgBinding[] {
  return fields.map((dotted) => {
    if (pathParams.includes(dotted)) throw new Error(`The body arg ${dotted} has the name of a path parameter`);
    const path = dotted.split('.');
    const flag = flags.find((b) => b.in === 'body' && b.path.join('.') === dotted)?.flag;
    return { name: dotted, path, schema: body ? fieldSchema(body, path) : undefined, flag };
  });
}

/**
 * The oclif args of the positional body fields. They are optional for oclif: the field's flag or
 * `--data` may give the value instead, and the required-field check names what is still missing.
 *
 * @example
 * ```ts
 * bodyArgInputs(bindings); // { number: Args.string({ required: false, … }) }
 * ```
 */
export function bodyArgInputs(bindings: readonly BodyArgBinding[]): Interfaces.ArgInput {
  const args: Interfaces.ArgInput = {};
  for (const b of bindings) {
    const about = b.schema?.description?.trim().replace(/\s+/g, ' ');
    const alt = b.flag ? `, or give --${b.flag}` : ', or set it with --data';
    args[b.name] = Args.string({ required: false, description: `${about ? `${about} ` : ''}(Sets ${b.path.join('.')}${alt}.)` });
  }
  return args;
}

/**
 * Sets the positional body fields that were given. A field given both as an arg and as its flag must
 * have the same value in both, since neither obviously wins.
 *
 * @throws CliError `usage_error` when the arg and the flag disagree; `invalid_data` when the value
 *   does not fit the field's type.
 * @example
 * ```ts
 * applyBodyArgs(body, bindings, { number: '+35929000001' }, {}); // body.number === '+35929000001'
 * ```
 */
export function applyBodyArgs(
  body: Record<string, unknown>,
  bindings: readonly BodyArgBinding[],
  args: Readonly<Record<string, unknown>>,
  flags: Readonly<Record<string, unknown>>,
): void {
  for (const b of bindings) {
    const raw = args[b.name];
    if (typeof raw !== 'string') continue;
    const value = coerce(raw, b.schema, `<${b.name}>`);
    const fromFlag = b.flag === undefined ? undefined : flags[b.flag];
    if (fromFlag !== undefined && JSON.stringify(fromFlag) !== JSON.stringify(value)) {
      throw new CliError('usage_error', `Give ${b.name} once: as the argument ${raw} or as --${b.flag} ${String(fromFlag)}, not both.`);
    }
    setPath(body, b.path, value);
  }
}
