import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCodes, type ErrorCode, ProblemError } from '../errors.js';

const DOCS = 'https://docs.prolope.dev/errors#';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

// Turns Ajv's issues into one readable sentence and a list; `param` is a JSON-pointer-like path.
function fromValidation(
  err: FastifyError & {
    validation?: ValidationIssue[];
    validationContext?: string;
  },
): ProblemError {
  const context = err.validationContext ?? 'body';
  const errors = (err.validation ?? []).map((v) => {
    const extra = v.keyword === 'additionalProperties' ? String(v.params?.additionalProperty ?? '') : '';
    const missing = v.keyword === 'required' ? String(v.params?.missingProperty ?? '') : '';
    const path = `/${context}${v.instancePath ?? ''}${extra ? `/${extra}` : ''}${missing ? `/${missing}` : ''}`;
    let message = `${path.slice(1).replaceAll('/', '.')} ${v.message ?? 'is not valid'}`;
    if (extra) message = `${path.slice(1).replaceAll('/', '.')} is not a field this operation takes (check the spelling; unknown fields are refused)`;
    if (missing) message = `${path.slice(1).replaceAll('/', '.')} is required`;
    if (v.keyword === 'enum') message += `: ${(v.params?.allowedValues as unknown[] | undefined)?.join(', ') ?? ''}`;
    return { param: path, message };
  });
  const unknown = (err.validation ?? []).some((v) => v.keyword === 'additionalProperties');
  // A misspelt field usually also causes a "required" error; name the misspelling first.
  if (unknown) errors.sort((a, b) => Number(b.message.includes('not a field')) - Number(a.message.includes('not a field')));
  const first = errors[0];
  return new ProblemError(unknown ? 'unknown_field' : 'validation_failed', first ? first.message : err.message, {
    ...(first ? { param: first.param } : {}),
    errors,
  });
}

const fastifyCodes: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'The body is not valid JSON. Send a JSON object and check quoting and trailing commas.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'The body is empty but Content-Type says JSON. Send a JSON object, or no Content-Type.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['body_too_large', 'The body is larger than 1 MiB.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Send the body as JSON with `Content-Type: application/json`.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['validation_failed', 'Content-Length does not match the body.'],
};

/** Maps anything thrown in a request to a ProblemError; unknown errors become a logged 500. */
export function toProblem(err: unknown, req: FastifyRequest): ProblemError {
  if (err instanceof ProblemError) return err;
  const e = err as FastifyError & {
    validation?: ValidationIssue[];
    errors?: unknown[];
  };
  // fastify-openapi-glue wraps security failures; ours carry the real reason.
  if (Array.isArray(e.errors) && e.errors[0] instanceof ProblemError) return e.errors[0];
  if (e.validation) return fromValidation(e);
  if (e.code && fastifyCodes[e.code]) {
    const [code, detail] = fastifyCodes[e.code] as [ErrorCode, string];
    return new ProblemError(code, detail);
  }
  if (e instanceof SyntaxError && e.statusCode === 400) return new ProblemError('invalid_json', `The body is not valid JSON: ${e.message}`);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ProblemError('validation_failed', e.message);
  }
  req.log.error({ err }, 'unhandled error');
  return new ProblemError('internal_error', `Something went wrong on our side. Quote request id ${req.id} to support.`);
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, problem: ProblemError): FastifyReply {
  const body = {
    type: DOCS + problem.code,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    detail: problem.message,
    instance: req.url.split('?')[0],
    request_id: String(req.id),
    ...(problem.param ? { param: problem.param } : {}),
    ...(problem.errors && problem.errors.length > 1 ? { errors: problem.errors } : {}),
  };
  for (const [k, v] of Object.entries(problem.headers)) reply.header(k, v);
  // Stripe-style hint for SDKs: a retry can help only for these.
  const retryable = problem.status === 429 || problem.status >= 500 || problem.code === 'idempotency_key_in_use';
  reply.header('Prolope-Should-Retry', String(retryable));
  // Sent as a string so Fastify does not run the route's 2xx serializer on it.
  return reply.code(problem.status).type('application/problem+json').send(JSON.stringify(body));
}

/**
 * Installs problem+json for every error and for unknown routes: 405 with `Allow` when the spec has
 * the path under other methods (`allowed`), 404 otherwise.
 */
export function installProblemHandlers(app: FastifyInstance, allowed: (path: string) => string[] = () => []): void {
  app.setErrorHandler((err, req, reply) => sendProblem(reply, req, toProblem(err, req)));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const methods = allowed(path);
    if (methods.length > 0) {
      return sendProblem(
        reply,
        req,
        new ProblemError('method_not_allowed', `${path} does not take ${req.method}; it takes ${methods.join(', ')}.`, { headers: { Allow: methods.join(', ') } }),
      );
    }
    return sendProblem(reply, req, new ProblemError('route_not_found', `No endpoint ${req.method} ${path}. See /openapi.json for the list.`));
  });
}

export { errorCodes };
