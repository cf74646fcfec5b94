import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OperationId, operations, RequestDefaults } from './contract.js';

// Each handler's request parts and its answer are the spec's types for its operationId, so a route
// never casts what it reads and typecheck fails when it answers with a field the spec lacks.

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Present<T> = [NonNullable<T>] extends [never] ? Record<string, never> : NonNullable<T>;
/** Fields the spec gives a default are always there: validation fills them in (`useDefaults`). */
type WithDefaults<B, K extends PropertyKey> = B extends object ? Omit<B, Extract<keyof B, K>> & Required<Pick<B, Extract<keyof B, K>>> : B;
type Defaulted<Id extends OperationId> = Id extends keyof RequestDefaults ? RequestDefaults[Id] : never;

/** The JSON request body; undefined for an operation without one (Fastify's body is then absent). */
export type BodyOf<Id extends OperationId> = operations[Id] extends { requestBody: infer R }
  ? WithDefaults<Json<R>, Defaulted<Id>>
  : operations[Id] extends { requestBody?: infer R }
    ? [NonNullable<R>] extends [never]
      ? undefined
      : WithDefaults<Json<NonNullable<R>>, Defaulted<Id>> | undefined
    : undefined;
/** The query string: an object whatever was sent (Fastify parses an empty one to `{}`). */
export type QueryOf<Id extends OperationId> = Present<operations[Id]['parameters']['query']>;
export type ParamsOf<Id extends OperationId> = Present<operations[Id]['parameters']['path']>;

type SuccessOf<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202 | 204>] : never;
type JsonAnswer<Id extends OperationId> = Json<SuccessOf<operations[Id]>>;
/** Whether the operation answers with JSON (all but files, pages and streams). */
type AnswersJson<Id extends OperationId> = [JsonAnswer<Id>] extends [never] ? false : true;

/**
 * What a handler returns: the JSON body of the operation's success response, which the app sends
 * with the spec's status (201 for a create). An operation whose answer is not JSON (audio, a zip,
 * HTML, a stream) sends it itself and returns the reply.
 */
export type ResOf<Id extends OperationId> = AnswersJson<Id> extends true ? JsonAnswer<Id> : FastifyReply;

export type Req<Id extends OperationId> = FastifyRequest<{ Body: BodyOf<Id>; Querystring: QueryOf<Id>; Params: ParamsOf<Id> }>;

/**
 * The reply as a JSON operation's handler sees it: it may set headers, never send. Fastify's reply
 * is a thenable whose awaited type is `never`, so a handler allowed to return it could answer
 * anything and still typecheck.
 */
export interface ReplyHeaders {
  header(name: string, value: string): void;
}

export type ReplyOf<Id extends OperationId> = AnswersJson<Id> extends true ? ReplyHeaders : FastifyReply;

export type Handler<Id extends OperationId> = (req: Req<Id>, reply: ReplyOf<Id>) => Promise<ResOf<Id>>;

/** A domain's handlers, keyed by operationId from the spec. */
export type Handlers = { [Id in OperationId]?: Handler<Id> };

/** A handler as Fastify calls it: the glue routes by operationId, so the types meet only at run time. */
type RouteHandler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * The route Fastify runs for an operation: the handler's returned body goes out with the spec's
 * success status (201 for a create), so no handler restates it. A handler that sends its answer
 * itself (a file, a relayed reply) sets its own status over this one; an error's status is set by the
 * problem handler. The status is set before the handler runs rather than after it, so the route adds
 * no promise of its own to every request (bench/api).
 */
export function routeHandler(handler: NonNullable<Handlers[OperationId]>, successStatus: number | undefined): RouteHandler {
  const run = handler as unknown as RouteHandler;
  if (successStatus === undefined || successStatus === 200) return run;
  return (req, reply) => {
    reply.code(successStatus);
    return run(req, reply);
  };
}

/** Any operation's request whose path has an `{id}`: for helpers shared by several handlers. */
export type ReqWithId = FastifyRequest<{ Params: { id: string } }>;

// TypeScript checks a returned object literal against the contextual return type by assignability
// only, so `async () => ({ ...account, nickname: 'x' })` would pass as an Account. defineHandlers()
// closes that gap: it infers each handler's actual answer and fails when that answer has a field,
// at any depth, that the spec's response lacks.
type KeysOf<T> = T extends unknown ? keyof T : never;
type FieldOf<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : string extends keyof T ? T[keyof T] : never) : never;
type ElementOf<T> = T extends readonly (infer E)[] ? E : never;
/** The names of fields in R that B does not describe (never when there are none). */
type ExtraFields<R, B, Depth extends unknown[] = []> = Depth['length'] extends 5
  ? never
  : unknown extends B
    ? never
    : R extends readonly (infer E)[]
      ? ExtraFields<E, ElementOf<NonNullable<B>>, [...Depth, 0]>
      : R extends object
        ? string extends KeysOf<NonNullable<B>>
          ? never
          : Exclude<keyof R, KeysOf<NonNullable<B>>> | { [K in keyof R]-?: ExtraFields<R[K], FieldOf<NonNullable<B>, K>, [...Depth, 0]> }[keyof R]
        : never;

type Answer<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;
type Checked<H> = {
  [Id in keyof H]: Id extends OperationId
    ? AnswersJson<Id> extends true
      ? [ExtraFields<Answer<H[Id]>, ResOf<Id>>] extends [never]
        ? H[Id]
        : { 'answers fields the spec lacks': ExtraFields<Answer<H[Id]>, ResOf<Id>> }
      : H[Id]
    : never;
};

/** A domain's handlers, checked so that none answers a field its operation's response lacks. */
export function defineHandlers<const H extends Handlers>(handlers: H & Checked<H>): Handlers {
  return handlers;
}
