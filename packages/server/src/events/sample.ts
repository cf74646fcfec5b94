import { newId } from '../ids.js';
import { patternSample } from './pattern-sample.js';

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
  if (Array.isArray(s.examples) && s.examples.length > 0) return s.examples[0];
  if ('example' in s) return s.example;
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

/** Values that read like real ones for names the spec uses, tried before the pattern's shortest match. */
const BY_NAME: Array<[RegExp, string]> = [
  [/^(number|from|to|caller_id)$|_number$/, '+35929000000'],
  [/email/, 'ops@example.com'],
  [/country/, 'BG'],
  [/vat_number/, 'BG123456789'],
  [/digits/, '1'],
  [/currency/, 'EUR'],
];

function sampleString(s: Schema, at: Date, name: string): string {
  const pattern = typeof s.pattern === 'string' ? s.pattern : undefined;
  const fits = (value: string) => !pattern || new RegExp(pattern, 'u').test(value);
  if (s.format === 'date' || (pattern && fits('2026-01-31') && !fits('2026-01-31T00:00:00.000Z'))) return at.toISOString().slice(0, 10);
  // `cancel_at` may be a date: the name guesses a timestamp only when the pattern allows one.
  if ((s.format === 'date-time' || /_at$/.test(name)) && fits(at.toISOString())) return at.toISOString();
  if (s.format === 'uri') return 'https://example.com/prolope';
  if (s.format === 'email') return 'ops@example.com';
  // An id: its prefix and a fresh ULID, like a real object's.
  const prefix = pattern ? /^\^([a-z]+)_/.exec(pattern)?.[1] : undefined;
  if (prefix) return `${prefix}_${newId('event', at).slice(4)}`;
  for (const [test, value] of BY_NAME) if (test.test(name) && fits(value)) return value;
  if (pattern) return patternSample(pattern) ?? `sample ${name}`.trim();
  const min = Number(s.minLength ?? 0);
  const text = `sample ${name}`.trim();
  return text.length >= min ? text : text.padEnd(min, 'x');
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
