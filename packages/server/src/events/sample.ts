import { newId } from '../ids.js';

type Schema = Record<string, unknown>;

/**
 * A realistic instance of a JSON Schema, for `prolope trigger`: every required and optional property,
 * ids in the pattern's prefix (`^call_...` gives `call_01J...`), the first enum value, the schema's
 * `default` or `const`, timestamps now. Not a general generator: it covers the shapes the spec uses.
 */
export function sampleOf(schema: unknown, at: Date, name = ''): unknown {
  if (!schema || typeof schema !== 'object') return null;
  const s = schema as Schema;
  if ('const' in s) return s.const;
  if ('default' in s) return s.default;
  if (Array.isArray(s.enum)) return s.enum.find((v) => v !== null) ?? null;
  if (Array.isArray(s.allOf)) {
    // Merge the parts' samples: the event envelope plus its typed data.
    return s.allOf.reduce<Record<string, unknown>>((acc, part) => deepMerge(acc, sampleOf(part, at, name) as Record<string, unknown>), {});
  }
  const choices = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(choices)) {
    const nonNull = choices.find((c) => (c as Schema)?.type !== 'null');
    return sampleOf(nonNull ?? choices[0], at, name);
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') as string | undefined) : (s.type as string | undefined);
  if (type === 'object' || (!type && s.properties)) {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(props).map(([key, sub]) => [key, sampleOf(sub, at, key)]));
  }
  if (type === 'array') {
    const count = Math.max(1, Number(s.minItems ?? 1));
    return Array.from({ length: count }, () => sampleOf(s.items, at, name));
  }
  if (type === 'integer' || type === 'number') return Number(s.minimum ?? (s.exclusiveMinimum !== undefined ? Number(s.exclusiveMinimum) + 1 : 0));
  if (type === 'boolean') return false;
  if (type === 'string') return sampleString(s, at, name);
  if (type === 'null') return null;
  return null;
}

function sampleString(s: Schema, at: Date, name: string): string {
  if (s.format === 'date-time' || /_at$/.test(name)) return at.toISOString();
  if (s.format === 'uri') return 'https://example.com/prolope';
  const pattern = typeof s.pattern === 'string' ? s.pattern : '';
  const prefix = /^\^([a-z]+)_/.exec(pattern)?.[1];
  if (prefix) return `${prefix}_${newId('event', at).slice(4)}`;
  if (pattern.startsWith('^\\+') || /number|^from$|^to$/.test(name)) return '+35929000000';
  if (/digits/.test(name)) return '1';
  if (name === 'email') return 'ops@example.com';
  return `sample ${name}`.trim();
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  if (!b || typeof b !== 'object') return a;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      prev && v && typeof prev === 'object' && typeof v === 'object' && !Array.isArray(v)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Sets `value` at a dotted path (`data.object.status`), creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    if (!at[key] || typeof at[key] !== 'object') at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[keys[keys.length - 1] as string] = value;
}
