/**
 * The part of a Fastify instance `registerRawJson()` uses; a real
 * `FastifyInstance` fits, without this package depending on Fastify.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import type { RawJsonParserHost } from '@prolope/webhooks';
 *
 * const host: RawJsonParserHost = Fastify();
 * ```
 */
export interface RawJsonParserHost {
  removeContentTypeParser(contentType: string): unknown;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'buffer'; bodyLimit?: number },
    parser: (request: never, body: Buffer, done: (error: Error | null, body?: Buffer) => void) => void,
  ): unknown;
}

/**
 * Options of `registerRawJson()`.
 *
 * @example
 * ```ts
 * import type { RegisterRawJsonOptions } from '@prolope/webhooks';
 *
 * const options: RegisterRawJsonOptions = { bodyLimit: 256 * 1024 };
 * ```
 */
export interface RegisterRawJsonOptions {
  /** The largest body accepted, in bytes. Default: the instance's `bodyLimit`. */
  bodyLimit?: number;
}

/**
 * Makes `application/json` bodies arrive as the raw Buffer (`parseAs:
 * 'buffer'`), which `verify()` needs. Call it inside the plugin that declares
 * the webhook route: Fastify's encapsulation keeps JSON parsing unchanged
 * for the rest of the app.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { registerRawJson, verify } from '@prolope/webhooks';
 *
 * const app = Fastify();
 * app.register(async (scope) => {
 *   registerRawJson(scope);
 *   scope.post('/webhooks/prolope', async (request, reply) => {
 *     const event = verify(request.body as Buffer, request.headers, process.env.PROLOPE_WEBHOOK_SECRET!);
 *     return reply.code(204).send();
 *   });
 * });
 * ```
 */
export function registerRawJson(instance: RawJsonParserHost, options: RegisterRawJsonOptions = {}): void {
  // Fastify refuses a second application/json parser in one context, and the
  // scope inherits the default one (or the app's custom one): replace it.
  instance.removeContentTypeParser('application/json');
  instance.addContentTypeParser(
    'application/json',
    options.bodyLimit === undefined ? { parseAs: 'buffer' } : { parseAs: 'buffer', bodyLimit: options.bodyLimit },
    (_request, body, done) => done(null, body),
  );
}
