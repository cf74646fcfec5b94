import type { Client } from 'openapi-fetch';
import { errorFromResponse } from './error-from-response.js';
import { AbortError, ProlopeError, TimeoutError } from './errors.js';
import { type OperationId, operations } from '@prolope/contract/operations';
import type { paths } from '@prolope/contract/schema';
import type { LooseRequestParams } from './operation-types.js';
import { checkRetries, checkTimeout, type RequestOptions, type ResolvedOptions } from './options.js';
import { type ListPage, PagePromise } from './pagination.js';
import { createRetryingFetch } from './retry.js';

/** One row of the generated operation table. */
export type OperationSpec = (typeof operations)[OperationId];

// The resource methods pick the path and method at run time from the table, which the
// path-literal types of openapi-fetch cannot follow; this is the one place that loosens them.
type LooseRequest = (method: string, path: string, init: Record<string, unknown>) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/** What every call needs from its client. */
export interface CallContext {
  raw: Client<paths>;
  options: ResolvedOptions;
}

export function findOperation(operationId: string): OperationSpec {
  const op = (operations as Record<string, OperationSpec | undefined>)[operationId];
  if (!op) throw new TypeError(`Unknown operation ${JSON.stringify(operationId)}; known: ${Object.keys(operations).join(', ')}`);
  return op;
}

function pathParams(op: OperationSpec, id: string, given: LooseRequestParams['path']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of op.pathParams) {
    const value = given?.[name];
    // An empty id would turn `/v1/api-keys/{id}` into the list URL and quietly do something else.
    if (value === undefined || value === null || String(value) === '') {
      throw new TypeError(`${id} needs the path parameter "${name}" (${op.path}), got ${JSON.stringify(value)}`);
    }
    out[name] = String(value);
  }
  return out;
}

function parseJson(text: unknown, response: Response, op: OperationSpec, ctx: CallContext): unknown {
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new ProlopeError(
      `${op.method.toUpperCase()} ${op.path} answered ${response.status} with ${type}, not JSON: is baseUrl (${ctx.options.baseUrl}) a Prolope API?`,
      { cause: err },
    );
  }
}

function mediaType(contentType: string | null | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * A file answer is handed over as the Response itself (as openai-node does for file contents): the
 * caller picks bytes, a Blob or the stream, and keeps the headers. A 2xx of another type means
 * baseUrl reaches something that is not the Prolope API, which bytes would hide.
 */
function binaryResult(response: Response, op: OperationSpec, ctx: CallContext): Response {
  const expected = mediaType(op.responseContentType);
  const got = mediaType(response.headers.get('content-type'));
  if (expected && got !== expected) {
    throw new ProlopeError(
      `${op.method.toUpperCase()} ${op.path} answered ${response.status} with ${got || 'no content type'}, not ${expected}: is baseUrl (${ctx.options.baseUrl}) a Prolope API?`,
    );
  }
  return response;
}

async function send(ctx: CallContext, id: string, params: LooseRequestParams, opts: RequestOptions = {}): Promise<unknown> {
  const op = findOperation(id);
  const binary = op.responseType === 'binary';
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  // The client asks for JSON by default; a download asks for its own type (errors still come as problem JSON).
  if (binary && !Object.keys(headers).some((name) => name.toLowerCase() === 'accept')) {
    headers.Accept = `${op.responseContentType}, application/problem+json`;
  }
  const defaults = ctx.options;
  const fetch = createRetryingFetch({
    fetch: defaults.fetch,
    maxRetries: opts.maxRetries === undefined ? defaults.maxRetries : checkRetries(opts.maxRetries, id),
    timeout: opts.timeout === undefined ? defaults.timeout : checkTimeout(opts.timeout, id),
    backoff: defaults.backoff,
  });

  let result: Awaited<ReturnType<LooseRequest>>;
  try {
    result = await (ctx.raw.request as unknown as LooseRequest)(op.method, op.path, {
      params: { path: pathParams(op, id, params.path), query: params.query },
      body: op.body === null ? undefined : params.body,
      headers,
      signal: opts.signal,
      fetch,
      // Parsing ourselves turns a non-JSON 2xx (a wrong baseUrl) into a clear error, not a SyntaxError.
      // A download's body is left unread (the retrying fetch has already buffered it) for the caller.
      parseAs: binary ? 'stream' : 'text',
    });
  } catch (err) {
    if (err instanceof ProlopeError) throw err;
    if (opts.signal?.aborted) throw new AbortError(`${id} was aborted`, { cause: err });
    if (err instanceof Error && err.name === 'TimeoutError') throw new TimeoutError(`${id} timed out`, { cause: err });
    throw err; // e.g. thrown by the user's own middleware: theirs to see unchanged
  }

  const { response } = result;
  if (response.ok) return binary ? binaryResult(response, op, ctx) : parseJson(result.data, response, op, ctx);
  throw errorFromResponse(response.status, result.error, response.headers, {
    apiKey: defaults.apiKey,
    baseUrl: defaults.baseUrl,
    operationId: id,
    scopes: op.scopes,
  });
}

/**
 * Runs one operation by id. List operations come back as a {@link PagePromise} whose later pages
 * reuse the same query, with `starting_after` set from the previous page; operations that answer a
 * file (`responseType: 'binary'`) resolve to the `Response`.
 */
export function callOperation(
  ctx: CallContext,
  id: string,
  params: LooseRequestParams = {},
  opts?: RequestOptions,
): Promise<unknown> | PagePromise<ListPage<unknown>> {
  const op = findOperation(id);
  if (op.websocket) {
    throw new TypeError(`${id} is a WebSocket stream, not a request: use prolope.${id}() (it returns an async iterable).`);
  }
  if (!op.paginated) return send(ctx, id, params, opts);
  return new PagePromise((startingAfter) => {
    const query = startingAfter === undefined ? params.query : { ...params.query, starting_after: startingAfter };
    return send(ctx, id, { ...params, query }, opts) as Promise<ListPage<unknown>>;
  });
}
