// Pure helpers that read the bundled spec; kept apart from generate.mjs so tests can use them.

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Follows a local `#/components/...` $ref. */
export function deref(spec, node) {
  let n = node;
  const seen = new Set();
  while (n && typeof n === 'object' && typeof n.$ref === 'string') {
    if (seen.has(n.$ref)) throw new Error(`circular $ref ${n.$ref}`);
    seen.add(n.$ref);
    n = n.$ref
      .slice(2)
      .split('/')
      .reduce((o, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return n;
}

/** Resolves refs and merges allOf, to describe a body's fields (for CLI flags and docs). */
export function flatten(spec, node, depth = 0) {
  const s = deref(spec, node);
  if (!s || typeof s !== 'object' || depth > 8) return s;
  if (Array.isArray(s.allOf)) {
    const merged = { type: 'object', properties: {}, required: [] };
    for (const part of s.allOf.map((p) => flatten(spec, p, depth + 1))) {
      Object.assign(merged.properties, part.properties ?? {});
      merged.required.push(...(part.required ?? []));
    }
    return merged;
  }
  // `oneOf: [X, {type: null}]` is how the spec writes "X or null"; describe it as a nullable X.
  if (Array.isArray(s.oneOf) && s.oneOf.length === 2) {
    const rest = s.oneOf.filter((v) => deref(spec, v)?.type !== 'null');
    if (rest.length === 1) {
      const inner = flatten(spec, rest[0], depth + 1);
      const types = [inner.type ?? []].flat();
      return { ...inner, type: [...types, 'null'], ...(s.description ? { description: s.description } : {}) };
    }
  }
  const out = {};
  for (const key of ['type', 'enum', 'const', 'format', 'description', 'default', 'minimum', 'maximum', 'pattern', 'x-cli-aliases']) {
    if (s[key] !== undefined) out[key] = s[key];
  }
  if (s.properties) {
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, flatten(spec, v, depth + 1)]));
    out.required = s.required ?? [];
  }
  if (s.items) out.items = flatten(spec, s.items, depth + 1);
  if (s.oneOf) out.oneOf = s.oneOf.map((v) => flatten(spec, v, depth + 1));
  return out;
}

const isJsonType = (type) => type === 'application/json' || type.endsWith('+json');

export function buildOperationTable(spec) {
  const table = {};
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const id = op.operationId;
      const dot = id.indexOf('.');
      if (dot < 1) throw new Error(`operationId ${id} must be <resource>.<action>`);
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => deref(spec, p));
      const body = op.requestBody ? deref(spec, op.requestBody) : undefined;
      const bodySchema = body?.content?.['application/json']?.schema;
      const ok = Object.entries(op.responses ?? {}).find(([code]) => code.startsWith('2'));
      const okContent = ok ? (deref(spec, ok[1])?.content ?? {}) : {};
      const okSchema = flatten(spec, okContent['application/json']?.schema);
      const okTypes = Object.keys(okContent);
      const security = op.security ?? spec.security ?? [];
      const tag = (spec.tags ?? []).find((t) => t.name === op.tags?.[0]);
      table[id] = {
        resource: id.slice(0, dot),
        action: id.slice(dot + 1),
        method,
        path,
        summary: op.summary ?? '',
        description: op.description ?? '',
        auth: security.length > 0,
        scopes: security.flatMap((s) => Object.values(s).flat()),
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: !!p.required, description: p.description ?? '', schema: flatten(spec, p.schema) })),
        idempotent: params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'),
        body: bodySchema ? { required: !!body.required, schema: flatten(spec, bodySchema) } : null,
        paginated: okSchema?.properties?.object?.const === 'list',
        // A WebSocket endpoint (x-websocket): no generated call or command; the SDK and CLI stream it by hand.
        websocket: op['x-websocket'] === true,
        // A 2xx that is not JSON (a recording's WAV) is handed to callers as bytes, not parsed.
        responseType: okTypes.length === 0 || okTypes.some(isJsonType) ? 'json' : 'binary',
        responseContentType: okTypes.find(isJsonType) ?? okTypes[0] ?? null,
        // CLI conveniences declared in the spec (x-cli-*): topic aliases, positional body fields,
        // shortcut flags, and an offline implementation the CLI may use without a server.
        cli: {
          aliases: tag?.['x-cli-aliases'] ?? [],
          args: op['x-cli-args'] ?? [],
          shortcuts: op['x-cli-shortcuts'] ?? [],
          offline: op['x-cli-offline'] ?? null,
          // Other names for the action (`ack` for `acknowledge`), as the CLI spells them.
          actionAliases: op['x-cli-action-aliases'] ?? [],
        },
      };
    }
  }
  return table;
}

function collectRefs(node, out) {
  if (Array.isArray(node)) for (const n of node) collectRefs(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) out.add(v.split('/').pop());
      else collectRefs(v, out);
    }
  }
}

/**
 * The event types in `webhooks` and every component schema their payloads reach, plus what `extraRoots`
 * reach (the voice request, which @prolope/webhooks verifies but which is not an event).
 */
export function webhookSchemaNames(spec, extraRoots = []) {
  const events = [];
  for (const [type, item] of Object.entries(spec.webhooks ?? {})) {
    const ref = item.post?.requestBody?.content?.['application/json']?.schema?.$ref;
    if (!ref) throw new Error(`webhook ${type} needs a $ref'd application/json body schema`);
    events.push({ type, schema: ref.split('/').pop() });
  }
  const reachable = new Set([...events.map((e) => e.schema), ...extraRoots]);
  let size = -1;
  while (size !== reachable.size) {
    size = reachable.size;
    for (const name of [...reachable]) collectRefs(spec.components.schemas[name], reachable);
  }
  return { events, reachable: [...reachable].sort() };
}

/**
 * Per operation, the request body's top-level fields that have a spec default. Ajv's `useDefaults`
 * fills these in (it reads `properties`, also through `allOf`, never inside oneOf/anyOf), so the
 * server's handler types mark them present.
 */
export function requestDefaults(spec) {
  const out = {};
  for (const item of Object.values(spec.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op?.operationId) continue;
      const body = deref(spec, op.requestBody);
      const schema = body?.content?.['application/json']?.schema;
      if (!schema) continue;
      const keys = defaultedKeys(spec, schema, 0);
      if (keys.length > 0) out[op.operationId] = [...new Set(keys)].sort();
    }
  }
  return out;
}

function defaultedKeys(spec, node, depth) {
  const s = deref(spec, node);
  if (!s || typeof s !== 'object' || depth > 8) return [];
  const own = Object.entries(s.properties ?? {})
    .filter(([, v]) => deref(spec, v)?.default !== undefined)
    .map(([k]) => k);
  return [...own, ...(s.allOf ?? []).flatMap((p) => defaultedKeys(spec, p, depth + 1))];
}

/**
 * Per verb (`dial`, `gather`, ...), its fields' spec defaults. Verbs sit in a oneOf, where Ajv fills in
 * no default, so the verb code reads them from this generated table instead of restating them.
 */
export function verbDefaults(spec) {
  const out = {};
  for (const schema of Object.values(spec.components?.schemas ?? {})) {
    const verb = deref(spec, schema.properties?.verb)?.const;
    if (typeof verb !== 'string') continue;
    const defaults = {};
    for (const [name, prop] of Object.entries(schema.properties)) {
      const value = deref(spec, prop)?.default;
      if (value !== undefined) defaults[name] = value;
    }
    out[verb] = defaults;
  }
  return out;
}

/** The spec default of a property or parameter schema, following `$ref`s (`VerbLoop` carries `default: 1`). */
function defaultOf(spec, node) {
  return deref(spec, node)?.default;
}

/**
 * Per component schema, its own properties' spec defaults (`{ LinkDescription: { type: 'internet', ... } }`),
 * schemas without any left out. Code that fills a default where validation cannot (inside a oneOf, in a
 * nullable object, for a caller that is not a request) reads it here instead of restating it.
 */
export function schemaDefaults(spec) {
  const out = {};
  for (const [name, schema] of Object.entries(spec.components?.schemas ?? {})) {
    const defaults = {};
    for (const [field, prop] of Object.entries(schema.properties ?? {})) {
      const value = defaultOf(spec, prop);
      if (value !== undefined) defaults[field] = value;
    }
    if (Object.keys(defaults).length > 0) out[name] = defaults;
  }
  return out;
}

/** Per shared parameter (`components.parameters`), its spec default: `{ Limit: 20 }`. */
export function parameterDefaults(spec) {
  const out = {};
  for (const [name, param] of Object.entries(spec.components?.parameters ?? {})) {
    const value = defaultOf(spec, deref(spec, param)?.schema);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** Per operationId, the defaults of its own (not shared) parameters: `{ 'sipTrunks.capacity': { kind: 'ip' } }`. */
export function operationParameterDefaults(spec) {
  const out = {};
  for (const item of Object.values(spec.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op?.operationId) continue;
      const defaults = {};
      for (const param of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        if (param.$ref) continue;
        const value = defaultOf(spec, param.schema);
        if (value !== undefined) defaults[param.name] = value;
      }
      if (Object.keys(defaults).length > 0) out[op.operationId] = defaults;
    }
  }
  return out;
}
