import { WebhookRawBodyError } from './errors.js';
import type { components } from '@prolope/contract/events';
import type { WebhookHeadersInput } from './headers.js';
import type { ReadRawBodyOptions } from './raw-body.js';
import { type VerifyOptions, verifySignature } from './verify-signature.js';
import { parseJson, type RawBody, toPayload } from './verify.js';
import { rawBodyOf, type VerifiableRequest } from './verify-request.js';

/**
 * What Prolope sends to a voice application about a call: the call's fields, plus `digits` after a
 * `gather`, `recording_*` and `duration_seconds` after a `record`, `dial_*` after a `dial`.
 *
 * @example
 * ```ts
 * import type { VoiceRequest } from '@prolope/webhooks';
 *
 * function menuChoice(request: VoiceRequest): 'sales' | 'support' | undefined {
 *   return request.digits === '1' ? 'sales' : request.digits === '2' ? 'support' : undefined;
 * }
 * ```
 */
export type VoiceRequest = components['schemas']['VoiceRequest'];

/**
 * Options of `verifyVoice()`: those of `verify()` plus the voice application's `method`.
 *
 * @example
 * ```ts
 * import type { VerifyVoiceOptions } from '@prolope/webhooks';
 *
 * const options: VerifyVoiceOptions = { method: 'GET', tolerance: 60 };
 * ```
 */
export interface VerifyVoiceOptions extends VerifyOptions {
  /** How the request came: `POST` (default; the JSON body is signed) or `GET` (the raw query string is signed). */
  method?: 'POST' | 'GET';
}

/**
 * A request `verifyVoiceRequest()` understands: what `verifyRequest()` takes (node:http, fetch
 * `Request`, Express or Fastify requests), with its `method` and `url`. Express's `originalUrl` is
 * used when present, because routers mounted on a path rewrite `url`.
 *
 * @example
 * ```ts
 * import type { VerifiableVoiceRequest } from '@prolope/webhooks';
 *
 * const request: VerifiableVoiceRequest = { method: 'GET', url: '/voice?call_id=call_01&from=%2B359888123456', headers: req.headers };
 * ```
 */
export interface VerifiableVoiceRequest extends VerifiableRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
}

// The fields a GET carries as text that the VoiceRequest schema types as integers.
const INTEGER_FIELDS = ['duration_seconds', 'dial_duration_seconds'] as const;

// Event endpoints and voice applications have different secrets; mixing them up is the likely mistake.
const VOICE_SECRET_HINT =
  "the secret is not this number's voice signing secret: each number's voice application has its own whsec_ secret " +
  '(GET /v1/numbers/{number} shows voice.signing_secret), and webhook endpoint secrets do not sign voice requests';

const HINTS = {
  POST: {
    payload:
      'the body was re-serialized or changed before verification (JSON.parse then JSON.stringify, a body parser, a proxy re-encoding it): verify the exact bytes received. ' +
      "If the number's voice application uses method GET, its query string is signed instead (verifyVoiceRequest() follows the request's method; verifyVoice() needs { method: 'GET' })",
    secret: VOICE_SECRET_HINT,
  },
  GET: {
    payload:
      "the query string was changed or rebuilt: a GET voice request signs the raw query exactly as it arrived (req.url after the '?'), so parsed parameters encoded again do not match. " +
      "If the number's voice application uses method POST, verify the body instead",
    secret: VOICE_SECRET_HINT,
  },
};

/**
 * Verifies a voice request from its signed bytes and returns its fields: the raw JSON body of a POST,
 * or the raw query string of a GET (after the `?`, exactly as received). For a GET, the integer fields
 * (`duration_seconds`, `dial_duration_seconds`) are turned into numbers and query parameters of your
 * own URL come along as strings.
 *
 * @throws {WebhookVerificationError} a subclass whose `code` says what is wrong and whose message says how to fix it.
 *
 * @example
 * ```ts
 * import { readRawBody, verifyVoice } from '@prolope/webhooks';
 *
 * const call = verifyVoice(await readRawBody(req), req.headers, process.env.VOICE_SIGNING_SECRET!);
 * // A voice application configured with method GET:
 * const query = req.url.slice(req.url.indexOf('?') + 1);
 * const sameCall = verifyVoice(query, req.headers, process.env.VOICE_SIGNING_SECRET!, { method: 'GET' });
 * ```
 */
export function verifyVoice(signed: RawBody, headers: WebhookHeadersInput, secret: string | readonly string[], options: VerifyVoiceOptions = {}): VoiceRequest {
  const method = options.method ?? 'POST';
  if (method !== 'POST' && method !== 'GET') {
    throw new TypeError(`verifyVoice(): options.method must be 'POST' or 'GET', as the voice application is configured; got ${JSON.stringify(method)}.`);
  }
  const payload = toPayload(signed, 'verifyVoice()');
  if (method === 'POST') {
    verifySignature(payload, headers, secret, options, 'verifyVoice()', HINTS.POST);
    return parseJson(payload) as VoiceRequest;
  }
  const text = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  // Prolope signs the query without its '?'; accept the search part of a URL too (`url.search`).
  const query = text.startsWith('?') ? text.slice(1) : text;
  verifySignature(query, headers, secret, options, 'verifyVoice()', HINTS.GET);
  const fields: Record<string, string | number> = Object.fromEntries(new URLSearchParams(query));
  for (const name of INTEGER_FIELDS) if (typeof fields[name] === 'string') fields[name] = Number(fields[name]);
  return fields as unknown as VoiceRequest;
}

/**
 * Verifies a voice request in node:http, Express, Fastify or a fetch-style handler and returns its
 * fields: a POST's raw body (read as `verifyRequest()` reads it) or a GET's raw query string, taken
 * from the request's own `method` and URL.
 *
 * @throws {WebhookVerificationError} a subclass whose `code` says what is wrong and whose message says how to fix it.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { verifyVoiceRequest, WebhookVerificationError } from '@prolope/webhooks';
 *
 * createServer(async (req, res) => {
 *   try {
 *     const call = await verifyVoiceRequest(req, process.env.VOICE_SIGNING_SECRET!);
 *     const instructions = [{ verb: 'say', text: `You pressed ${call.digits ?? 'nothing'}.` }];
 *     res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ instructions }));
 *   } catch (error) {
 *     if (!(error instanceof WebhookVerificationError)) throw error;
 *     res.writeHead(400).end(error.code);
 *   }
 * });
 * ```
 */
export async function verifyVoiceRequest(
  req: VerifiableVoiceRequest,
  secret: string | readonly string[],
  options: VerifyOptions & ReadRawBodyOptions = {},
): Promise<VoiceRequest> {
  const isFetch = typeof Request !== 'undefined' && req instanceof Request;
  const method = (req.method ?? 'POST').toUpperCase();
  if (method !== 'GET') return verifyVoice((await rawBodyOf(req, options)) as RawBody, req.headers, secret, { ...options, method: 'POST' });
  const url = isFetch ? req.url : (req.originalUrl ?? req.url);
  if (typeof url !== 'string') {
    throw new WebhookRawBodyError(
      "A GET voice request is signed over its raw query string, but this request has no url: pass the framework's request object " +
        '(node:http IncomingMessage, Express or Fastify request, fetch Request) as received.',
    );
  }
  const mark = url.indexOf('?');
  return verifyVoice(mark === -1 ? '' : url.slice(mark + 1), req.headers, secret, { ...options, method: 'GET' });
}
