import type { OperationInfo } from './operations.js';

/**
 * The methods the spec gives a concrete path (`/v1/calls/call_123` matches `/v1/calls/{id}`), so an
 * unknown route can be told apart from a known path asked with the wrong method: the latter is a 405
 * with `Allow` (RFC 9110 §15.5.6), which names the fix, where a 404 would suggest a wrong URL. Fastify
 * answers both from its not-found handler; its router has no lookup by concrete URL, hence this table.
 */
export function methodsByPath(operations: Iterable<OperationInfo>): (path: string) => string[] {
  const templates = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const op of operations) {
    let entry = templates.get(op.path);
    if (!entry) {
      const pattern = new RegExp(`^${op.path.split(/\{[^}]+\}/).map(escapeRegExp).join('[^/]+')}$`);
      entry = { pattern, methods: new Set() };
      templates.set(op.path, entry);
    }
    entry.methods.add(op.method);
    // Fastify answers HEAD for every GET route.
    if (op.method === 'GET') entry.methods.add('HEAD');
  }
  const all = [...templates.values()];
  return (path) => {
    const methods = new Set<string>();
    for (const t of all) if (t.pattern.test(path)) for (const m of t.methods) methods.add(m);
    return [...methods].sort();
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
