import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { WebhookRawBodyError } from './errors.js';
import type { WebhookEvent } from '@prolope/contract/events';
import type { WebhookHeadersInput } from './headers.js';
import { type ReadRawBodyOptions, readRawBody } from './raw-body.js';
import { type RawBody, type VerifyOptions, verify } from './verify.js';

/**
 * A request `verifyRequest()` understands: a node:http `IncomingMessage`
 * or a fetch `Request` (whose body is read), or any object with `headers`
 * and a raw `body`, such as an Express request after `express.raw()` or a
 * Fastify request after `registerRawJson()`.
 *
 * @example
 * ```ts
 * import type { VerifiableRequest } from '@prolope/webhooks';
 *
 * const request: VerifiableRequest = { headers: req.headers, body: rawBuffer };
 * ```
 */
export interface VerifiableRequest {
  headers: WebhookHeadersInput;
  body?: unknown;
}

/**
 * Verifies a request in node:http, Express, Fastify or a fetch-style handler
 * and returns its event: uses `req.body` when a framework has set it,
 * otherwise reads the body (`readRawBody()` for node:http, whose `limit`
 * applies; `arrayBuffer()` for a fetch `Request`).
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { verifyRequest, WebhookVerificationError } from '@prolope/webhooks';
 *
 * app.post('/webhooks/prolope', express.raw({ type: 'application/json' }), async (req, res) => {
 *   try {
 *     const event = await verifyRequest(req, process.env.PROLOPE_WEBHOOK_SECRET!);
 *     res.sendStatus(204);
 *   } catch (error) {
 *     if (error instanceof WebhookVerificationError) res.status(400).send(error.code);
 *     else throw error;
 *   }
 * });
 * ```
 */
export async function verifyRequest(
  req: VerifiableRequest,
  secret: string | readonly string[],
  options: VerifyOptions & ReadRawBodyOptions = {},
): Promise<WebhookEvent> {
  // verify() rejects anything that is not raw, with a message naming the parser.
  return verify((await rawBodyOf(req, options)) as RawBody, req.headers, secret, options);
}

/**
 * The body of a request in any shape `verifyRequest()` takes, unparsed: `req.body` when a framework
 * has set it, else the bytes read from the stream (node:http) or the fetch `Request`.
 */
export async function rawBodyOf(req: VerifiableRequest, options: ReadRawBodyOptions = {}): Promise<unknown> {
  if (typeof Request !== 'undefined' && req instanceof Request) {
    if (req.bodyUsed) {
      throw new WebhookRawBodyError('The request body was already read (request.bodyUsed). Verify before reading it, or pass the bytes you read to verify().');
    }
    return req.arrayBuffer();
  }
  let body: unknown = req.body;
  if (body === undefined) {
    if (!(req instanceof Readable)) {
      throw new WebhookRawBodyError(
        'The request has no body: pass a node:http IncomingMessage, or a request whose body is the raw Buffer ' +
          "(Express: express.raw({ type: 'application/json' }); Fastify: registerRawJson(scope)).",
      );
    }
    // Express leaves body undefined without a parser; the stream is still unread.
    body = await readRawBody(req as unknown as IncomingMessage, options);
  }
  return body;
}
