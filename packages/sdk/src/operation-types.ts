// Type-level view of the generated operation table: every method signature is derived from
// `operations` (schema.ts) and the `operations` table (operations.ts), so a new operation in the
// spec gets a typed method without anyone editing this file.
import type { OperationId, operations as table } from '@prolope/contract/operations';
import type { operations as Schema } from '@prolope/contract/schema';
import type { RequestOptions } from './options.js';
import type { ListPage, PagePromise } from './pagination.js';
import type { LiveStream } from './streams/live-stream.js';
import type { EventStreamOptions, LogEntry, StreamEvent, StreamOptions } from './streams/stream-types.js';

type Table = typeof table;

/**
 * Every operation id, `<resource>.<action>` (e.g. `'apiKeys.create'`).
 *
 * @example
 * ```ts
 * const id: OperationId = 'contacts.update';
 * ```
 */
export type { OperationId };

type PathObject<Id extends OperationId> = NonNullable<Schema[Id]['parameters']['path']>;

type PathValues<Names extends readonly string[], Obj> = {
  -readonly [K in keyof Names]: Names[K] extends keyof Obj ? Obj[Names[K]] : string;
};

/**
 * The query object an operation takes (`never` when it takes none).
 *
 * @example
 * ```ts
 * const query: OperationQuery<'apiKeys.list'> = { limit: 10 };
 * ```
 */
export type OperationQuery<Id extends OperationId> = NonNullable<Schema[Id]['parameters']['query']>;

/**
 * The JSON body an operation takes (`never` when it takes none).
 *
 * @example
 * ```ts
 * const body: OperationBody<'contacts.create'> = { name: 'Ana', email: 'ana@example.com', can_open_incidents: true, receives_notices: true };
 * ```
 */
export type OperationBody<Id extends OperationId> = NonNullable<Schema[Id]['requestBody']> extends { content: { 'application/json': infer B } } ? B : never;

type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 205 | 206 | '2XX';
type Responses<Id extends OperationId> = Schema[Id]['responses'];
type JsonContent<R> = R extends { content: { 'application/json': infer T } } ? T : undefined;

/**
 * What an operation resolves to: the JSON body of its 2xx answer or, for an operation that answers
 * a file (`recordings.media`), the fetch `Response` with the file as its (already downloaded) body.
 *
 * @example
 * ```ts
 * type Key = OperationResult<'apiKeys.retrieve'>; // components['schemas']['ApiKey']
 * type Wav = OperationResult<'recordings.media'>; // Response
 * ```
 */
export type OperationResult<Id extends OperationId> = Table[Id]['responseType'] extends 'binary'
  ? Response
  : JsonContent<Responses<Id>[Extract<keyof Responses<Id>, SuccessStatus>]>;

// `id` is by far the commonest path parameter; naming it gives editors `(id: string, …)` where
// the generic mapping can only show `(args_0: string, …)`.
type PathArgs<Id extends OperationId> = Table[Id]['pathParams'] extends readonly ['id']
  ? [id: PathValues<['id'], PathObject<Id>>[0]]
  : PathValues<Table[Id]['pathParams'], PathObject<Id>>;
type BodyArg<Id extends OperationId> = Table[Id]['body'] extends null
  ? []
  : Table[Id]['body'] extends { required: true }
    ? [body: OperationBody<Id>]
    : [body?: OperationBody<Id>];
type QueryArg<Id extends OperationId> = Table[Id]['query'] extends readonly []
  ? []
  : Partial<OperationQuery<Id>> extends OperationQuery<Id>
    ? [query?: OperationQuery<Id>]
    : [query: OperationQuery<Id>];

/**
 * The positional arguments of a resource method: path parameters in path order, then the body
 * (if the operation has one), then the query (if it has query parameters), then options.
 *
 * @example
 * ```ts
 * type Args = OperationArgs<'contacts.update'>; // [id: string, body: ContactUpdate, opts?: RequestOptions]
 * ```
 */
export type OperationArgs<Id extends OperationId> = [...PathArgs<Id>, ...BodyArg<Id>, ...QueryArg<Id>, opts?: RequestOptions];

/**
 * What calling an operation returns: a {@link PagePromise} for list operations, a Promise otherwise.
 *
 * @example
 * ```ts
 * const pending: OperationReturn<'apiKeys.list'> = prolope.apiKeys.list();
 * ```
 */
export type OperationReturn<Id extends OperationId> = Table[Id]['paginated'] extends true
  ? OperationResult<Id> extends ListPage<unknown>
    ? PagePromise<OperationResult<Id>>
    : Promise<OperationResult<Id>>
  : Promise<OperationResult<Id>>;

/**
 * The resource method for one operation.
 *
 * @example
 * ```ts
 * const revoke: OperationMethod<'apiKeys.revoke'> = prolope.apiKeys.revoke;
 * ```
 */
export type OperationMethod<Id extends OperationId> = (...args: OperationArgs<Id>) => OperationReturn<Id>;

type ResourceOf<Id extends OperationId> = Table[Id]['resource'];

// WebSocket operations (`events.stream`) get no generated method: they are the hand-written streams below.
type HttpOperationId = { [Id in OperationId]: Table[Id]['websocket'] extends true ? never : Id }[OperationId];

type GeneratedResources = {
  [R in ResourceOf<HttpOperationId>]: {
    [Id in HttpOperationId as ResourceOf<Id> extends R ? Table[Id]['action'] : never]: OperationMethod<Id>;
  };
};

/**
 * The live streams (WebSockets): `events.stream()` and `logs.stream()`.
 *
 * @example
 * ```ts
 * const stream: ReturnType<StreamResources['events']['stream']> = prolope.events.stream({ types: 'call.*' });
 * ```
 */
export interface StreamResources {
  events: {
    /**
     * The account's events as they happen, as an async iterable; reconnects and resumes by itself.
     *
     * @example
     * ```ts
     * for await (const event of prolope.events.stream({ types: ['call.*'] })) console.log(event.type);
     * ```
     */
    stream(options?: EventStreamOptions): LiveStream<StreamEvent>;
  };
  logs: {
    /**
     * The account's API requests and events as they happen, as an async iterable.
     *
     * @example
     * ```ts
     * for await (const entry of prolope.logs.stream()) console.log(entry.object === 'request_log' ? entry.path : entry.type);
     * ```
     */
    stream(options?: StreamOptions): LiveStream<LogEntry>;
  };
}

/**
 * Every resource namespace, e.g. `{ apiKeys: { create, list, retrieve, revoke }, … }`, with the
 * live streams in `events` and `logs`.
 *
 * @example
 * ```ts
 * const keys: Resources['apiKeys'] = prolope.apiKeys;
 * ```
 */
export type Resources = Omit<GeneratedResources, keyof StreamResources> & {
  [R in keyof StreamResources]: (R extends keyof GeneratedResources ? GeneratedResources[R] : unknown) & StreamResources[R];
};

type PathParam<Id extends OperationId> = Table[Id]['pathParams'] extends readonly [] ? { path?: undefined } : { path: PathObject<Id> };
type BodyParam<Id extends OperationId> = Table[Id]['body'] extends null
  ? { body?: undefined }
  : Table[Id]['body'] extends { required: true }
    ? { body: OperationBody<Id> }
    : { body?: OperationBody<Id> };
type QueryParam<Id extends OperationId> = Table[Id]['query'] extends readonly []
  ? { query?: undefined }
  : Partial<OperationQuery<Id>> extends OperationQuery<Id>
    ? { query?: OperationQuery<Id> }
    : { query: OperationQuery<Id> };

/**
 * The second argument of `prolope.request()`: path parameters by name, query and body.
 *
 * @example
 * ```ts
 * const params: RequestParams<'contacts.update'> = { path: { id: 'ctc_123' }, body: { name: 'Ana' } };
 * ```
 */
export type RequestParams<Id extends OperationId> = PathParam<Id> & BodyParam<Id> & QueryParam<Id>;

/**
 * The untyped shape of `prolope.request()` params, for callers that pick the operation at run time (the CLI).
 *
 * @example
 * ```ts
 * const params: LooseRequestParams = { path: { id: 'key_123' }, query: { limit: 5 } };
 * ```
 */
export interface LooseRequestParams {
  path?: Record<string, string | number> | undefined;
  query?: Record<string, unknown> | undefined;
  body?: unknown;
}

type IsUnion<T, U = T> = (T extends unknown ? ([U] extends [T] ? false : true) : never) extends false ? false : true;

/**
 * The arguments of `prolope.request(id, …)` after the id: typed params for a literal id, loose
 * ones when the id is only known at run time (a union, as in the CLI).
 *
 * @example
 * ```ts
 * const args: RequestArgs<'apiKeys.retrieve'> = [{ path: { id: 'key_123' } }];
 * ```
 */
export type RequestArgs<Id extends OperationId> =
  IsUnion<Id> extends true
    ? [params?: LooseRequestParams, opts?: RequestOptions]
    : Partial<RequestParams<Id>> extends RequestParams<Id>
      ? [params?: RequestParams<Id>, opts?: RequestOptions]
      : [params: RequestParams<Id>, opts?: RequestOptions];

/**
 * What `prolope.request(id, …)` returns: typed for a literal id; for a run-time id a Promise,
 * or a {@link PagePromise} when the operation is a list.
 *
 * @example
 * ```ts
 * const health: RequestReturn<'health.retrieve'> = prolope.request('health.retrieve');
 * ```
 */
export type RequestReturn<Id extends OperationId> = IsUnion<Id> extends true ? Promise<unknown> | PagePromise<ListPage<unknown>> : OperationReturn<Id>;
