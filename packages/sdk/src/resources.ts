import { type CallContext, callOperation, type OperationSpec } from './call-operation.js';
import { operations } from '@prolope/contract/operations';
import type { LooseRequestParams } from './operation-types.js';
import type { RequestOptions } from './options.js';
import { eventStream, logStream } from './streams/stream-methods.js';
import type { EventStreamOptions, StreamOptions } from './streams/stream-types.js';

type AnyMethod = (...args: unknown[]) => unknown;

/**
 * Reads positional arguments by the rule the types in operation-types.ts encode: path parameters
 * in path order, then the body if the operation has one, then the query if it has query
 * parameters, then options. Deciding from the table, never from the values, keeps a body that
 * happens to look like options from being misread.
 */
export function splitArgs(op: OperationSpec, args: readonly unknown[]): { params: LooseRequestParams; opts: RequestOptions | undefined } {
  let i = 0;
  const path: Record<string, string | number> = {};
  for (const name of op.pathParams) path[name] = args[i++] as string;
  const params: LooseRequestParams = { path };
  if (op.body !== null) params.body = args[i++];
  if (op.query.length > 0) params.query = args[i++] as Record<string, unknown> | undefined;
  return { params, opts: args[i] as RequestOptions | undefined };
}

/**
 * Builds `{ apiKeys: { create, list, … }, … }` from the generated table, so an operation added to
 * the spec becomes a method with no hand edits; the live streams (`events.stream`, `logs.stream`)
 * are added by hand. Methods are closures, so they can be passed around unbound (e.g. to `paginate`).
 */
export function buildResources(ctx: CallContext): Record<string, Record<string, AnyMethod>> {
  const resources: Record<string, Record<string, AnyMethod>> = {};
  for (const [id, op] of Object.entries(operations) as [string, OperationSpec][]) {
    // A WebSocket operation is no HTTP call: its method is one of the streams added below.
    if (op.websocket) continue;
    let namespace = resources[op.resource];
    if (!namespace) {
      namespace = {};
      resources[op.resource] = namespace;
    }
    namespace[op.action] = (...args: unknown[]) => {
      const { params, opts } = splitArgs(op, args);
      return callOperation(ctx, id, params, opts);
    };
  }
  resources.events = { ...resources.events, stream: (opts?: unknown) => eventStream(ctx, opts as EventStreamOptions | undefined) };
  resources.logs = { ...resources.logs, stream: (opts?: unknown) => logStream(ctx, opts as StreamOptions | undefined) };
  return resources;
}
