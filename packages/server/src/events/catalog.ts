import { openapiDocument } from '../http/operations.js';

type Json = Record<string, unknown>;

/** One event type as `GET /v1/event-types` shows it: the body schema with its references resolved. */
export interface EventTypeInfo {
  object: 'event_type';
  type: string;
  summary: string;
  schema: Json;
}

/** Inlines `#/components/...` references (the bundled spec's only kind); a cycle stays a reference. */
function resolve(node: unknown, seen: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => resolve(n, seen));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    if (seen.includes(ref)) return node;
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Json | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], openapiDocument);
    return resolve(target, [...seen, ref]);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, seen)]));
}

let cached: Map<string, EventTypeInfo> | undefined;

/** Every event type from the spec's `webhooks` section, in the spec's order. */
export function eventCatalog(): Map<string, EventTypeInfo> {
  if (cached) return cached;
  const webhooks = (openapiDocument as { webhooks?: Record<string, { post?: Json }> }).webhooks ?? {};
  cached = new Map();
  for (const [type, item] of Object.entries(webhooks)) {
    const post = item.post ?? {};
    const schema = (post.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.['application/json']?.schema;
    cached.set(type, { object: 'event_type', type, summary: String(post.summary ?? type), schema: resolve(schema ?? {}) as Json });
  }
  return cached;
}
