import type { FlagKind } from './flag-kinds.js';
import type { JsonSchema } from './schema.js';

// Its own file so the body builders can name a binding without importing operation-flags.ts, which imports them.
/**
 * Ties one generated flag to the query parameter or body field it sets.
 *
 * @example
 * ```ts
 * const binding: FlagBinding = { flag: 'legal-entity.type', in: 'body', path: ['legal_entity', 'type'], kind: 'string', schema: { type: 'string' } };
 * ```
 */
export interface FlagBinding {
  /** The flag name without dashes, e.g. `legal-entity.legal-name`. */
  flag: string;
  in: 'query' | 'body';
  /** The API field path, e.g. `['legal_entity', 'legal_name']`. */
  path: readonly string[];
  kind: FlagKind;
  schema: JsonSchema;
}
