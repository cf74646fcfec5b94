import { patternSample } from '../events/pattern-sample.js';
import { sampleOf } from '../events/sample.js';
import { seededRandom } from '../telephony/speech/phone-channel.js';
import type { SpecOperation } from './spec-operations.js';

/** mulberry32: a tiny seeded PRNG, so a failing fuzz run is replayed exactly from its seed (the one speech's labelled set uses). */
export const prng: (seed: number) => () => number = seededRandom;

export interface FuzzCase {
  op: SpecOperation;
  method: string;
  path: string;
  /** Raw body text (JSON, or not), undefined for none. */
  body: string | undefined;
  /** Which key to send: the one the operation's scopes suggest, none, or a made-up one. */
  key: 'right' | 'none' | 'bogus';
  /** What was mutated, for the failure message. */
  mutation: string;
}

const AT = new Date('2026-03-02T10:00:00Z');

/** Values that have broken parsers, stores and formatters somewhere: each replaces one field or parameter. */
const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  -5000,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  '',
  ' ',
  'x'.repeat(10_000),
  '\ud800',
  '\u202e\u2028\uffff',
  '😀'.repeat(50),
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  'nul\u0000inside',
  JSON.parse('['.repeat(40) + ']'.repeat(40)),
  '1e999',
  '-0',
  '2026-02-30T25:61:00Z',
  '0000-01-01',
  '9999-12-31',
  '0000-01-01T00:00:00Z',
  '2026-02-29',
  '+359',
  [],
  [null],
  {},
  { nested: { deeper: [1, 'two', { three: 3 }] } },
];

const HOSTILE_SEGMENTS = ['%00', '%C0%AE', '..', '%2F', '%2e%2e', 'x'.repeat(64), 'x'.repeat(101), '-1', '0', '%F0%9F%98%80', "'%20OR%201=1", '%20', 'acct_', 'null', '%FF'];

const HOSTILE_QUERY = ['%00', '0000-01', '9999-12', '0000-01-01T00:00:00Z', '-1', '0', '1e9', 'abc', '', '%C0%AE', 'x'.repeat(300), '%FF', '2026-13-45', 'true', '%2B359'];

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

/** Every place in a JSON value where a value could be swapped, as paths of keys and indexes. */
function slots(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) slots(v, [...at, i], out);
  } else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) slots(v, [...at, k], out);
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): void {
  let node = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove && !Array.isArray(node)) delete node[last];
  else node[last] = value;
}

const EDGE_TIMES = ['1970-01-01T00:00:00Z', '2999-12-31T23:59:59Z', '2026-03-02T10:00:00+05:00', '2026-03-29T01:30:00Z', '2026-02-28T23:59:59.999Z'];
const EDGE_DATES = ['1970-01-01', '2999-12-31', '2026-02-28', '2028-02-29', '2026-12-31'];
const EDGE_TEXT = ['<b>Ω</b>', '😀', '\u202e', 'ß', '"', "'", '\\', '\n', ' '];

/**
 * A random value the schema accepts, reaching for its edges: every enum value, minimum and maximum,
 * strings at their longest with HTML and astral characters, dates far apart, optional fields present
 * or not. Schema-valid bodies pass validation, so these find what handlers and stores do with them.
 */
export function randomValid(schema: unknown, rng: Rng, name = '', depth = 0): unknown {
  const s = (schema ?? {}) as Record<string, any>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return pick(rng, s.enum);
  if (Array.isArray(s.allOf)) return Object.assign({}, ...s.allOf.map((part: unknown) => randomValid(part, rng, name, depth + 1)));
  const choices = s.oneOf ?? s.anyOf;
  if (Array.isArray(choices)) return randomValid(pick(rng, choices), rng, name, depth + 1);
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : [];
  const type = types.length > 1 && rng() < 0.15 && types.includes('null') ? 'null' : types.find((t) => t !== 'null');
  if (depth > 8) return sampleOf(s, AT, name);
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rng() < 0.5;
    case 'integer':
    case 'number': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000_000);
      const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000_000);
      const options = [min, max, Math.max(min, Math.min(max, 0)), min + Math.floor(rng() * (max - min + 1))];
      return pick(rng, options);
    }
    case 'string': {
      const pattern = typeof s.pattern === 'string' ? new RegExp(s.pattern, 'u') : undefined;
      const fits = (v: string) => (!pattern || pattern.test(v)) && v.length >= (s.minLength ?? 0) && [...v].length <= (s.maxLength ?? Number.POSITIVE_INFINITY);
      const candidates: string[] = [];
      if (s.format === 'date-time') candidates.push(...EDGE_TIMES);
      if (s.format === 'date') candidates.push(...EDGE_DATES);
      if (s.format === 'email') candidates.push('a@b.co', `${'x'.repeat(60)}@example.com`);
      if (s.format === 'uri') candidates.push('http://127.0.0.1:9/hook', 'https://[::1]:9/x');
      if (pattern) candidates.push(...EDGE_DATES, ...EDGE_TIMES, patternSample(s.pattern) ?? '');
      const long = Array.from({ length: Math.min(s.maxLength ?? 300, 2000) }, () => pick(rng, EDGE_TEXT)).join('');
      candidates.push([...long].slice(0, s.maxLength ?? 300).join(''), pick(rng, EDGE_TEXT));
      const ok = candidates.filter(fits);
      return ok.length > 0 ? pick(rng, ok) : sampleOf(s, AT, name);
    }
    case 'array': {
      const count = Math.min(Math.max(s.minItems ?? 0, Math.floor(rng() * 4)), s.maxItems ?? 4);
      const items = Array.from({ length: count }, () => randomValid(s.items, rng, name, depth + 1));
      return s.uniqueItems ? [...new Map(items.map((i) => [JSON.stringify(i), i])).values()] : items;
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set<string>(s.required ?? []);
      for (const [key, sub] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
        if (required.has(key) || rng() < 0.5) out[key] = randomValid(sub, rng, key, depth + 1);
      }
      if (s.additionalProperties === true || (s.additionalProperties && typeof s.additionalProperties === 'object')) {
        for (let i = 0; i < Math.floor(rng() * 3); i++) out[`${pick(rng, EDGE_TEXT)}${i}`] = pick(rng, ['x', 1, null, true, [], {}]);
      }
      return out;
    }
    default:
      return sampleOf(s, AT, name);
  }
}

function mutateBody(rng: Rng, body: unknown): { body: string; mutation: string } {
  const copy = structuredClone(body);
  const roll = rng();
  if (roll < 0.08) {
    const whole = pick(rng, ['[]', 'null', '"text"', '42', '{', '{"a":1}{"b":2}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}']);
    return { body: whole, mutation: `body replaced with ${whole}` };
  }
  const places = slots(copy);
  if (places.length === 0 || roll < 0.15) {
    const extra = { ...(copy as object), ['unknown_' + Math.floor(rng() * 100)]: pick(rng, HOSTILE_VALUES) };
    return { body: JSON.stringify(extra), mutation: 'unknown field added' };
  }
  const place = pick(rng, places);
  if (roll < 0.3) {
    setAt(copy, place, undefined, true);
    return { body: JSON.stringify(copy), mutation: `removed ${place.join('.')}` };
  }
  const value = pick(rng, HOSTILE_VALUES);
  setAt(copy, place, value);
  const shown = JSON.stringify(value) ?? String(value);
  return { body: JSON.stringify(copy), mutation: `${place.join('.')} = ${shown.slice(0, 40)}` };
}

/**
 * Builds `count` requests for an operation from its spec: a sample request (body from the body schema,
 * path ids from the real objects or the parameter's schema, some optional query parameters), then one
 * mutation of the body, a path segment, a query value or the key. The first case is unmutated.
 */
export function fuzzCases(op: SpecOperation, rng: Rng, count: number, realIds: Map<string, string>): FuzzCase[] {
  const out: FuzzCase[] = [];
  for (let n = 0; n < count; n++) {
    const segments = new Map<string, string>();
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      const collection = op.path.slice(0, op.path.indexOf(`{${p.name}}`) - 1);
      const real = realIds.get(collection);
      segments.set(p.name, encodeURIComponent(real && rng() < 0.7 ? real : String(sampleOf(p.schema, AT, p.name))));
    }
    const query = new URLSearchParams();
    for (const p of op.parameters.filter((x) => x.in === 'query')) {
      if (p.required || rng() < 0.3) query.set(p.name, String(sampleOf(p.schema, AT, p.name)));
    }
    let body = op.body ? JSON.stringify(sampleOf(op.body, AT)) : undefined;
    let key: FuzzCase['key'] = 'right';
    let mutation = 'none';
    const roll = n === 0 ? -1 : rng();
    if (roll < 0) {
      // the sample as generated
    } else if (op.body && roll < 0.3) {
      const value = randomValid(op.body, rng);
      body = JSON.stringify(value);
      mutation = `random valid body ${body.slice(0, 120)}`;
    } else if (op.body && roll < 0.55) {
      // On a schema-valid base half the time, so the one bad value is the only thing wrong with it.
      const base = rng() < 0.5 ? randomValid(op.body, rng) : JSON.parse(body as string);
      if (rng() < 0.15) {
        body = JSON.stringify(base, (_k, v) => (typeof v === 'string' ? `${v}\u0000` : v));
        mutation = 'NUL appended to every string';
      } else ({ body, mutation } = mutateBody(rng, base));
    } else if (segments.size > 0 && roll < 0.75) {
      const name = pick(rng, [...segments.keys()]);
      const value = pick(rng, HOSTILE_SEGMENTS);
      segments.set(name, value);
      mutation = `path ${name} = ${value.slice(0, 40)}`;
    } else if (roll < 0.92) {
      const params = op.parameters.filter((x) => x.in === 'query');
      const name = params.length > 0 && rng() < 0.8 ? pick(rng, params).name : `unknown_${Math.floor(rng() * 10)}`;
      const value = pick(rng, HOSTILE_QUERY);
      mutation = `query ${name} = ${value.slice(0, 40)}`;
      // Appended raw: some values are deliberately not valid percent-encoding.
      const rest = query.toString();
      const path = op.path.replace(/\{([^}]+)\}/g, (_m, k: string) => segments.get(k) as string);
      out.push({ op, method: op.method, path: `${path}?${rest ? `${rest}&` : ''}${name}=${value}`, body, key, mutation });
      continue;
    } else if (op.scopes !== null) {
      key = rng() < 0.5 ? 'none' : 'bogus';
      mutation = `key ${key}`;
    }
    const path = op.path.replace(/\{([^}]+)\}/g, (_m, k: string) => segments.get(k) as string);
    const qs = query.toString();
    out.push({ op, method: op.method, path: qs ? `${path}?${qs}` : path, body, key, mutation });
  }
  return out;
}
