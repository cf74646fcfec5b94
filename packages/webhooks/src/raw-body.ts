import type { IncomingMessage } from 'node:http';
import { WebhookBodyTooLargeError, WebhookRawBodyError } from './errors.js';

/** Fastify's default body limit; Prolope events are far smaller. */
const DEFAULT_LIMIT = 1024 * 1024;

/**
 * Options of `readRawBody()`.
 *
 * @example
 * ```ts
 * import type { ReadRawBodyOptions } from '@prolope/webhooks';
 *
 * const options: ReadRawBodyOptions = { limit: 256 * 1024 };
 * ```
 */
export interface ReadRawBodyOptions {
  /** The largest body accepted, in bytes. Default 1 MiB. */
  limit?: number;
}

/**
 * Reads a node:http request body into a Buffer, unchanged, for `verify()`.
 * Rejects with `body_too_large` past `limit` (answer 413; the rest of the body
 * is drained so you still can), and with `raw_body_required` if something
 * already consumed the stream, which would otherwise wait forever.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { readRawBody, verify } from '@prolope/webhooks';
 *
 * createServer(async (req, res) => {
 *   const event = verify(await readRawBody(req), req.headers, secret);
 *   res.writeHead(204).end();
 * });
 * ```
 */
export function readRawBody(req: IncomingMessage, options: ReadRawBodyOptions = {}): Promise<Buffer> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  return new Promise((resolve, reject) => {
    if (req.readableEnded) {
      reject(
        new WebhookRawBodyError(
          'The request body was already read, probably by a body parser that ran earlier. ' +
            'Verify the raw bytes that parser kept, or register the webhook route before it.',
        ),
      );
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;

    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const tooLarge = () => {
      cleanup();
      // Drain instead of destroying so the caller can still answer 413.
      req.resume();
      reject(new WebhookBodyTooLargeError(limit));
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += buffer.length;
      if (received > limit) tooLarge();
      else chunks.push(buffer);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('The request was closed before its body was fully received.'));
    };

    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      tooLarge();
      return;
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
