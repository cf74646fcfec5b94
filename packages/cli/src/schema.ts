import { operations } from './generated/operations.js';

/**
 * The flattened JSON Schema subset the operation table carries for query parameters and bodies.
 *
 * @example
 * ```ts
 * const schema: JsonSchema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
 * ```
 */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly description?: string;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly format?: string;
  readonly pattern?: string;
}

/**
 * One query parameter of an operation.
 *
 * @example
 * ```ts
 * const limit: QueryParam = { name: 'limit', required: false, description: 'Page size', schema: { type: 'integer' } };
 * ```
 */
export interface QueryParam {
  readonly name: string;
  readonly required: boolean;
  readonly description: string;
  readonly schema: JsonSchema;
}

/**
 * One row of the generated operation table (`src/generated/operations.ts`).
 *
 * @example
 * ```ts
 * const op: OperationSpec = operationTable['contacts.delete']!;
 * console.log(op.method, op.path); // 'delete' '/v1/contacts/{id}'
 * ```
 */
export interface OperationSpec {
  readonly resource: string;
  readonly action: string;
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  readonly description: string;
  readonly auth: boolean;
  readonly scopes: readonly string[];
  readonly pathParams: readonly string[];
  readonly query: readonly QueryParam[];
  readonly idempotent: boolean;
  readonly body: { readonly required: boolean; readonly schema: JsonSchema } | null;
  readonly paginated: boolean;
}

/**
 * Every API operation keyed by operation id, typed loosely so commands can be built at run time.
 *
 * @example
 * ```ts
 * for (const [id, op] of Object.entries(operationTable)) console.log(id, op.summary);
 * ```
 */
export const operationTable: Readonly<Record<string, OperationSpec>> = operations;

/**
 * The schema's main type, ignoring `null` in a union such as `['string', 'null']`.
 *
 * @example
 * ```ts
 * primaryType({ type: ['string', 'null'] }); // 'string'
 * ```
 */
export function primaryType(schema: JsonSchema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (schema.type) return schema.type.find((t) => t !== 'null');
  if (schema.properties) return 'object';
  if (schema.enum?.every((v) => typeof v === 'string')) return 'string';
  return undefined;
}

/**
 * Whether the schema accepts `null`.
 *
 * @example
 * ```ts
 * isNullable({ type: ['string', 'null'] }); // true
 * ```
 */
export function isNullable(schema: JsonSchema): boolean {
  return Array.isArray(schema.type) ? schema.type.includes('null') : schema.type === 'null';
}
