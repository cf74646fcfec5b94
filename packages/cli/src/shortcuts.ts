import { coerce, setPath } from './body-builder.js';
import { CliError } from './errors.js';
import { type AnyFlag, type FlagKind, makeFlag, stringEnum } from './flag-kinds.js';
import { type CliShortcut, fieldSchema, type JsonSchema, primaryType } from './schema.js';

/**
 * A shortcut flag (`x-cli-shortcuts`) resolved against the body schema.
 *
 * @example
 * ```ts
 * const [forwardTo] = shortcutBindings(cliSpec(op).shortcuts, op.body!.schema);
 * forwardTo; // { shortcut: { flag: 'forward-to', … }, action: 'list', path: ['forwarding', 'targets'], field: 'number', valueSchema: { type: 'string', … } }
 * ```
 */
export interface ShortcutBinding {
  shortcut: CliShortcut;
  action: 'list' | 'each' | 'set' | 'append';
  /** The body path it writes: the array (`list`, `each`, `append`) or the value (`set`). */
  path: string[];
  /** With `list`, `each` and `append`: the field of each element. */
  field: string | undefined;
  /** The schema of one value of the flag, as far as the body schema describes it. */
  valueSchema: JsonSchema | undefined;
}

type JsonObject = Record<string, unknown>;

// `append` adds to what `list` made; `each` runs last so it reaches every element.
const ORDER = { list: 0, set: 1, append: 2, each: 3 } as const;

/**
 * Resolves the spec's shortcuts against the body schema.
 *
 * @throws Error when a shortcut does not say exactly one of `list`, `each`, `set`, `append`, or `each`
 *   or `append` has no `field`: a mistake in the spec, so it fails when the commands are built.
 * @example
 * ```ts
 * shortcutBindings([{ flag: 'forward-mode', description: '…', set: 'forwarding.mode' }], schema)[0]?.path; // ['forwarding', 'mode']
 * ```
 */
export function shortcutBindings(shortcuts: readonly CliShortcut[], body: JsonSchema | undefined): ShortcutBinding[] {
  return shortcuts.map((shortcut) => {
    const actions = (['list', 'each', 'set', 'append'] as const).filter((a) => shortcut[a] !== undefined);
    const action = actions[0];
    if (!action || actions.length > 1) throw new Error(`Shortcut --${shortcut.flag} needs exactly one of list, each, set, append`);
    if ((action === 'each' || action === 'append') && !shortcut.field) throw new Error(`Shortcut --${shortcut.flag} uses ${action} without a field`);
    const path = (shortcut[action] ?? '').split('.');
    const field = action === 'set' ? undefined : shortcut.field;
    const target = body ? fieldSchema(body, path) : undefined;
    const element = action === 'set' ? target : target?.items;
    const valueSchema = field ? element?.properties?.[field] : element;
    return { shortcut, action, path, field, valueSchema };
  });
}

/**
 * The oclif flag of a shortcut: a comma-separated list for `list`, else one value of the shortcut's
 * `type` (default: the type of the field it sets), with `options` and the field's bounds.
 *
 * @example
 * ```ts
 * shortcutFlag(ringTimeout); // Flags.integer({ min: 5, max: 120, … })
 * ```
 */
export function shortcutFlag(binding: ShortcutBinding): AnyFlag {
  const { shortcut, valueSchema } = binding;
  const type = shortcut.type ?? (valueSchema && primaryType(valueSchema)) ?? 'string';
  const options = shortcut.options ?? stringEnum(valueSchema);
  // The field's own bounds and enum still apply; its aliases belong to the field's own flag.
  const schema: JsonSchema = { ...valueSchema, type, ...(options ? { enum: options } : {}), 'x-cli-aliases': undefined };
  const description = binding.action === 'list' ? `${shortcut.description} Comma-separated or repeated.` : shortcut.description;
  if (binding.action === 'list') return makeFlag('list', { type: 'array', items: schema }, { description });
  const kind: FlagKind = ['integer', 'number', 'boolean'].includes(type) ? (type as FlagKind) : 'string';
  return makeFlag(kind, schema, { description });
}

function getPath(target: JsonObject, path: readonly string[]): unknown {
  let node: unknown = target;
  for (const key of path) node = typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as JsonObject)[key] : undefined;
  return node;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies the shortcut flags that were given to a body already built from `--data` and the other
 * flags: `list` replaces the array, `set` the value, `append` adds `{ ...item, [field]: value }` to the
 * array, then `each` sets its field on every element.
 *
 * @throws CliError `usage_error` when an `each` shortcut finds no array of objects to work on.
 * @example
 * ```ts
 * const body = {};
 * applyShortcuts(body, bindings, { 'forward-to': ['+359888000001', '+359888000002'], 'ring-timeout': 20 });
 * // body: { forwarding: { targets: [{ number: '+359888000001', ring_timeout: 20 }, { number: '+359888000002', ring_timeout: 20 }] } }
 * ```
 */
export function applyShortcuts(body: JsonObject, bindings: readonly ShortcutBinding[], flags: Readonly<Record<string, unknown>>): JsonObject {
  for (const binding of [...bindings].sort((a, b) => ORDER[a.action] - ORDER[b.action])) {
    const { shortcut, action, path, field } = binding;
    const value = flags[shortcut.flag];
    if (value === undefined) continue;
    if (action === 'set') {
      setPath(body, path, value);
    } else if (action === 'list') {
      const items = (value as unknown[]).map((raw, i) => {
        const item = typeof raw === 'string' ? coerce(raw, binding.valueSchema, `--${shortcut.flag}[${i}]`) : raw;
        return field ? { [field]: item } : item;
      });
      setPath(body, path, items);
    } else if (action === 'append') {
      const existing = getPath(body, path);
      setPath(body, path, [...(Array.isArray(existing) ? existing : []), { ...shortcut.item, [field ?? '']: value }]);
    } else {
      const array = getPath(body, path);
      if (!Array.isArray(array) || array.length === 0 || !array.every(isObject)) {
        const lists = bindings.filter((b) => b.action === 'list' && b.path.join('.') === path.join('.')).map((b) => `--${b.shortcut.flag}`);
        const how = [...lists, `-d '{…}'`].join(' or ');
        throw new CliError('usage_error', `--${shortcut.flag} sets ${field} on each of ${path.join('.')}, but there are none: give them with ${how}.`);
      }
      for (const item of array) item[field ?? ''] = value;
    }
  }
  return body;
}
