import { operations } from '@prolope/contract/operations';

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
  /** Extra flag names for this field (`allowed_ips` → `--ip`), declared in the spec. */
  readonly 'x-cli-aliases'?: readonly string[];
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
 * An extra flag the spec declares for an operation (`x-cli-shortcuts`). Exactly one of `list`,
 * `each` and `set` says what it does, each naming a dotted body path in API field names:
 * `list` makes an array from the flag's values (objects `{[field]: value}` when `field` is given),
 * `each` sets `field` on every element of the array there, `set` sets the value itself.
 *
 * @example
 * ```ts
 * const forwardTo: CliShortcut = { flag: 'forward-to', description: 'Targets in order.', list: 'forwarding.targets', field: 'number' };
 * const ringTimeout: CliShortcut = { flag: 'ring-timeout', description: 'Seconds.', each: 'forwarding.targets', field: 'ring_timeout', type: 'integer' };
 * ```
 */
export interface CliShortcut {
  readonly flag: string;
  readonly description: string;
  /** The value's type; default: the type of the field it sets. */
  readonly type?: string;
  readonly options?: readonly string[];
  readonly list?: string;
  readonly each?: string;
  readonly set?: string;
  /** Appends one element `{ ...item, [field]: value }` to the array at this path (e.g. `--say` → a say verb). */
  readonly append?: string;
  /** With `append`: the fixed fields of the element. */
  readonly item?: Readonly<Record<string, unknown>>;
  readonly field?: string;
}

/**
 * The command-line conveniences the spec declares for an operation (`x-cli-*` extensions).
 *
 * @example
 * ```ts
 * const cli: CliSpec = { aliases: ['trunks'], args: [], shortcuts: [], offline: 'capacity' };
 * ```
 */
export interface CliSpec {
  /** Extra topic names for the resource: `trunks` for `sip-trunks`. */
  readonly aliases: readonly string[];
  /** Body fields taken as positional args after the path params, in order. */
  readonly args: readonly string[];
  readonly shortcuts: readonly CliShortcut[];
  /** The name of an offline implementation (see `offline.ts`) used when the path params are left out. */
  readonly offline: string | null;
  /** Other names for the action (`x-cli-action-aliases`): `incidents ack` for `incidents acknowledge`. */
  readonly actionAliases?: readonly string[];
}

/**
 * One row of the generated operation table (`@prolope/contract/operations`, generated from the spec).
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
  /** A WebSocket operation (`events.stream`): no generated command; `listen` and `logs tail` stream it. */
  readonly websocket?: boolean;
  /** Absent in hand-written rows; see {@link cliSpec}. */
  readonly cli?: CliSpec;
}

/**
 * Every API operation that is a request, keyed by operation id, typed loosely so commands can be
 * built at run time. WebSocket operations (`events.stream`, `logs.stream`) are left out: they get no
 * generated command or topic, the hand-written `listen` and `logs tail` stream them.
 *
 * @example
 * ```ts
 * for (const [id, op] of Object.entries(operationTable)) console.log(id, op.summary);
 * ```
 */
export const operationTable: Readonly<Record<string, OperationSpec>> = Object.fromEntries(
  Object.entries(operations as Readonly<Record<string, OperationSpec>>).filter(([, op]) => !op.websocket),
);

const NO_CLI: CliSpec = { aliases: [], args: [], shortcuts: [], offline: null };

/**
 * The operation's `cli` conveniences, or none when the row has no `cli` field.
 *
 * @example
 * ```ts
 * cliSpec(operationTable['sipTrunks.create']!).aliases; // ['trunks']
 * ```
 */
export function cliSpec(op: Pick<OperationSpec, 'cli'>): CliSpec {
  return op.cli ?? NO_CLI;
}

/**
 * The schema of the field at a dotted body path (`forwarding.targets`), stepping into array items
 * when a path goes on past an array; `undefined` when the schema does not describe it.
 *
 * @example
 * ```ts
 * fieldSchema(body, ['forwarding', 'targets']); // { type: 'array', items: { … } }
 * ```
 */
export function fieldSchema(root: JsonSchema, path: readonly string[]): JsonSchema | undefined {
  let schema: JsonSchema | undefined = root;
  for (const segment of path) {
    if (schema && primaryType(schema) === 'array') schema = schema.items;
    const props: Readonly<Record<string, JsonSchema>> = schema?.properties ?? {};
    schema = Object.hasOwn(props, segment) ? props[segment] : undefined;
  }
  return schema;
}

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
