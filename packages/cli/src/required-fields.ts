import type { JsonSchema } from './schema.js';

/** The required leaves of an object that is missing altogether, e.g. every required signatory field. */
function requiredLeaves(schema: JsonSchema | undefined, path: string[]): string[][] {
  const required = schema?.properties ? (schema.required ?? []) : [];
  if (required.length === 0) return [path];
  return required.flatMap((field) => requiredLeaves(schema?.properties?.[field], [...path, field]));
}

/**
 * The paths of required fields missing from `value`, following nested objects. A required object
 * that is missing altogether counts as its required fields (so each can be named as a flag).
 *
 * @example
 * ```ts
 * missingRequired({ name: 'Acme' }, schema); // [['legal_entity', 'type'], …, ['signatory', 'confirms_authority']]
 * ```
 */
export function missingRequired(value: unknown, schema: JsonSchema, path: readonly string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const obj = value as Record<string, unknown>;
  const missing: string[][] = [];
  for (const [field, child] of Object.entries(schema.properties ?? {})) {
    if (obj[field] === undefined) {
      if (schema.required?.includes(field)) missing.push(...requiredLeaves(child, [...path, field]));
    } else if (child.properties) {
      missing.push(...missingRequired(obj[field], child, [...path, field]));
    }
  }
  // Required fields the schema does not describe.
  for (const field of schema.required ?? []) {
    if (!schema.properties?.[field] && obj[field] === undefined) missing.push([...path, field]);
  }
  return missing;
}
