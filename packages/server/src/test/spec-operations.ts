import { openapiDocument, type OperationInfo, operationTable } from '../http/operations.js';

type Json = Record<string, any>;

/** Follows `#/...` references in the bundled spec until a node that is not one. */
export function deref<T = Json>(node: unknown): T {
  let at = node as Json;
  for (let hops = 0; at && typeof at.$ref === 'string' && hops < 20; hops++) {
    at = (at.$ref as string)
      .slice(2)
      .split('/')
      .reduce<any>((o, k) => o?.[k.replaceAll('~1', '/').replaceAll('~0', '~')], openapiDocument);
  }
  return at as T;
}

/** A JSON Schema with every `$ref` inside it replaced by its target (the spec has no recursive schemas). */
export function inline(schema: unknown, depth = 0): Json {
  if (depth > 30) throw new Error('schema nests too deeply to inline; is it recursive?');
  const s = deref(schema);
  if (Array.isArray(s)) return s.map((x) => inline(x, depth + 1)) as unknown as Json;
  if (!s || typeof s !== 'object') return s;
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v && typeof v === 'object' ? inline(v, depth + 1) : v]));
}

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Json;
}

export interface SpecOperation extends OperationInfo {
  parameters: SpecParameter[];
  /** The application/json request body's schema, inlined; undefined for an operation without a body. */
  body: Json | undefined;
  /** The statuses the operation documents. */
  statuses: Set<number>;
}

/** Every operation of the spec with its parameters, body schema and documented statuses. */
export function specOperations(): SpecOperation[] {
  const paths = openapiDocument.paths as Record<string, Json>;
  return [...operationTable().values()].map((op) => {
    const item = paths[op.path] as Json;
    const spec = item[op.method.toLowerCase()] as Json;
    const parameters = [...(item.parameters ?? []), ...(spec.parameters ?? [])].map((p: unknown) => {
      const d = deref(p);
      return { name: d.name, in: d.in, required: d.required === true || d.in === 'path', schema: inline(d.schema ?? {}) } as SpecParameter;
    });
    const bodySchema = spec.requestBody ? deref(spec.requestBody).content?.['application/json']?.schema : undefined;
    return {
      ...op,
      parameters,
      body: bodySchema ? inline(bodySchema) : undefined,
      statuses: new Set(Object.keys(spec.responses).map(Number)),
    };
  });
}
