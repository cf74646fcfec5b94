import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../errors.js';
import type { OperationInfo } from './operations.js';

/** Deeper than any body the spec describes (the deepest is 4 levels), far below what recursion in JSON.stringify or Ajv survives. */
export const MAX_JSON_DEPTH = 32;

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * preParsing hook for an operation the spec gives no request body: a body is refused before anything
 * reads it, whatever its type. A body sent there is a client's mistake (a wrong endpoint, or fields it
 * believes are taken), and acting on the request while ignoring it would hide that mistake: a release
 * "with options" would still release.
 */
export function refuseBody(op: OperationInfo) {
  // Callback style: it never waits, and every request without a body passes through it.
  return (req: FastifyRequest, _reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void): void => {
    if (!hasBody(req)) {
      done(null, payload);
      return;
    }
    done(
      new ProblemError(
        'body_not_allowed',
        `${op.method} ${op.path} takes no body; send the request without one (no Content-Type, no body). Its options, if any, are query parameters.`,
      ),
    );
  };
}

/**
 * How deep a JSON text nests, counted on the text before parsing, stopping once past `limit`.
 * Written by hand because neither JSON.parse nor secure-json-parse (Fastify's parser) has a depth
 * limit, and a body of 1 MiB can nest 500,000 levels: parsing it works, but every recursive walk of
 * it afterwards (Ajv, JSON.stringify for the idempotency fingerprint, the event store) throws
 * RangeError, which would be a 500.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** The JSON pointer of the first string (value or key) holding U+0000, or undefined. */
export function findNul(value: unknown, at = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at || '/' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNul(value[i], `${at}/${i}`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) return `${at}/${k.replaceAll('\u0000', '\\u0000')}`;
      const hit = findNul(v, `${at}/${k}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

const nulProblem = (param: string) =>
  new ProblemError(
    'invalid_character',
    `${param.slice(1).replaceAll('/', '.')} contains a NUL character (\\u0000), which no field takes. Strip it before sending; it is often a C string's terminator or a binary field sent as text.`,
    { param },
  );

/**
 * JSON bodies: Fastify's own parser (prototype poisoning refused), after a depth check, and with a
 * NUL character refused anywhere (PostgreSQL cannot store one in text, and no field means one). An
 * empty body with a JSON Content-Type is no body for an operation that takes none.
 */
export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (text.length === 0 && !req.routeOptions.schema?.body) return done(null, undefined);
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      return done(
        new ProblemError(
          'json_too_deep',
          `The body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep; no operation takes that. Check how it is built.`,
          {
            param: '/body',
          },
        ),
        undefined,
      );
    }
    parse(req, text, (err, value) => {
      if (err) return done(err, undefined);
      const nul = findNul(value, '/body');
      done(nul ? nulProblem(nul) : null, nul ? undefined : value);
    });
  });
}

/** onRequest: a NUL character in the path or query (percent-encoded, the only way it can arrive) is refused. */
export function refuseNulInUrl(req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  // Callback style: it never waits, and it runs on every request.
  if (!/%00/i.test(req.url)) {
    done();
    return;
  }
  const path = req.url.split('?')[0] ?? '';
  done(nulProblem(/%00/i.test(path) ? '/path' : '/query'));
}
