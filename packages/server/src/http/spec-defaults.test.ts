import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forwardingOf, voiceOf } from '../numbers/settings.js';
import { normaliseLink } from '../sip-trunks/link.js';
import { openapiDocument } from './contract.js';
import { limitOf } from './pagination.js';

/**
 * Spec defaults are applied by validation or read from the generated tables (`schemaDefaults`,
 * `verbDefaults`, `parameterDefaults`), never restated. The table checks the values the code falls back
 * to against the bundled spec itself (not the generated tables, so a wrong table fails too); the scan
 * fails when `<field> ?? <the spec's default for that field>` is written out again anywhere in the server.
 */
interface SchemaNode {
  $ref?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  schema?: SchemaNode;
}
type Parameter = SchemaNode & { name: string };
const doc = openapiDocument as unknown as {
  components: { schemas: Record<string, SchemaNode>; parameters: Record<string, Parameter> };
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
};

function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  const name = node?.$ref?.split('/').pop();
  return name ? deref(doc.components.schemas[name]) : node;
}

/** The spec's default of `schema.field`. */
function specDefault(schema: string, field: string): unknown {
  const value = deref(deref(doc.components.schemas[schema])?.properties?.[field])?.default;
  if (value === undefined) throw new Error(`the spec has no default for ${schema}.${field}`);
  return value;
}

describe('spec defaults', () => {
  const voice = voiceOf({ url: 'https://example.com/voice' });
  const forwarding = forwardingOf({ targets: [{ number: '+35924001234' }] }, '+35924009999');
  const link = normaliseLink({ bandwidth_kbps: 1000 });
  it.each([
    ['the page size', limitOf({}), doc.components.parameters.Limit?.schema?.default],
    ['a number voice application method', voice.method, specDefault('VoiceApplicationInput', 'method')],
    ['a number voice application fallback method', voice.fallback_method, specDefault('VoiceApplicationInput', 'fallback_method')],
    ['a forwarding target ring timeout', forwarding.targets[0]?.ring_timeout, specDefault('ForwardingTarget', 'ring_timeout')],
    ['a forwarding mode', forwarding.mode, specDefault('Forwarding', 'mode')],
    ['a trunk link type', link.type, specDefault('LinkDescription', 'type')],
    ['a trunk link static IP', link.static_ip, specDefault('LinkDescription', 'static_ip')],
  ])('%s is the spec default', (_what, used, spec) => {
    expect(spec).toBeDefined();
    expect(used).toEqual(spec);
  });

  it('are not restated as `field ?? value` in the server', () => {
    // Every field (and parameter) name the spec gives a default, with its defaults.
    const defaults = new Map<string, unknown[]>();
    const add = (field: string, value: unknown) => defaults.set(field, [...(defaults.get(field) ?? []), value]);
    for (const schema of Object.values(doc.components.schemas)) {
      for (const [field, prop] of Object.entries(schema.properties ?? {})) {
        const value = deref(prop)?.default;
        if (value !== undefined) add(field, value);
      }
    }
    const operationParams = Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => op.parameters ?? []));
    for (const param of [...Object.values(doc.components.parameters), ...operationParams]) {
      if (param.schema?.default !== undefined) add(param.name, param.schema.default);
    }
    expect(defaults.get('loop')).toContain(1);

    const src = fileURLToPath(new URL('../', import.meta.url));
    const files = (readdirSync(src, { recursive: true }) as string[]).filter(
      (f) => f.endsWith('.ts') && !/\.test\.ts$|\.test-helper\.ts$|^test\/|\/test-/.test(f),
    );
    const restated: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(src, file), 'utf8');
      for (const m of text.matchAll(/\b(\w+)\)?\s*\?\?\s*('[^']*'|-?[\d_]+(?:\.\d+)?|true|false|\[(?:\s*'[^']*',?)*\s*\])/g)) {
        const [whole, field = '', literal = ''] = m;
        const value = literalValue(literal);
        if (defaults.get(field)?.some((d) => JSON.stringify(d) === JSON.stringify(value))) restated.push(`${relative(src, join(src, file))}: ${whole}`);
      }
    }
    expect(restated).toEqual([]);
  });
});

/** A TypeScript literal as a value: `86_400`, `'POST'`, `true`, `['voice']`. */
function literalValue(text: string): unknown {
  if (text.startsWith('[')) return JSON.parse(text.replace(/'/g, '"'));
  if (text.startsWith("'")) return text.slice(1, -1);
  if (text === 'true' || text === 'false') return text === 'true';
  return Number(text.replace(/_/g, ''));
}
