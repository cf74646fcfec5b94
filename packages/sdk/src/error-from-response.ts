import { parseRetryAfter } from './backoff.js';
import {
  ApiError,
  type ApiErrorInit,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
  type Problem,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from './errors.js';

/** What the caller knew when the request went out; lets the message name the likely mistake. */
export interface ErrorContext {
  apiKey: string | undefined;
  baseUrl: string;
  operationId?: string | undefined;
  scopes?: readonly string[] | undefined;
}

const byStatus: Record<number, new (init: ApiErrorInit) => ApiError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionError,
  404: NotFoundError,
  409: ConflictError,
  413: PayloadTooLargeError,
  422: UnprocessableEntityError,
};

const SNIPPET = 200;

function asProblem(body: unknown): Problem | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  // A JSON body without `code`/`detail` (say, a proxy's `{"message":...}`) is not a problem
  // detail; treat it as foreign text so the message shows what actually came back.
  return typeof b.code === 'string' || typeof b.detail === 'string' ? (body as Problem) : undefined;
}

function hintFor(status: number, problem: Problem | undefined, ctx: ErrorContext, headers: Headers): string | undefined {
  if (status === 401) {
    if (!ctx.apiKey) return 'No API key: pass { apiKey } or set PROLOPE_API_KEY';
    if (/^bearer\s/i.test(ctx.apiKey)) {
      return "The API key starts with 'Bearer ': pass the bare key, the SDK adds the scheme itself";
    }
    return `The API key was refused: check it is not revoked or expired and that it was issued by ${ctx.baseUrl}`;
  }
  if (status === 403 && ctx.scopes?.length) {
    return `The API key lacks a scope: ${ctx.operationId} needs ${ctx.scopes.join(' or ')}`;
  }
  if (!problem) {
    const type = headers.get('content-type') ?? 'no content type';
    if (status === 404 || status === 405) {
      return `Got ${status} with a non-problem body (${type}): is baseUrl (${ctx.baseUrl}) a Prolope API?`;
    }
    return `Got ${status} with a non-problem body (${type}), probably from a proxy in front of the API`;
  }
  return undefined;
}

/**
 * Turns a non-2xx answer into the matching {@link ApiError} subclass. `body` is what
 * openapi-fetch produced: parsed JSON when it could, the raw text otherwise.
 */
export function errorFromResponse(status: number, body: unknown, headers: Headers, ctx: ErrorContext): ApiError {
  const problem = asProblem(body);
  const rawBody = problem ? undefined : typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  const hint = hintFor(status, problem, ctx, headers);
  const requestId = headers.get('prolope-request-id') ?? problem?.request_id;

  let server: string;
  if (problem) {
    server = `${status} ${problem.code ?? ''}: ${problem.detail ?? problem.title ?? ''}`.replace(' :', ':');
  } else {
    const text = (rawBody ?? '').trim().replace(/\s+/g, ' ');
    server = `${status}${text ? `: ${text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text}` : ''}`;
  }
  let message = hint ? `${hint} (server answered ${server})` : server;
  if (requestId) message += ` [request ${requestId}]`;

  const init: ApiErrorInit = { status, message, headers, problem, rawBody };
  if (status === 429) return new RateLimitError({ ...init, retryAfter: parseRetryAfter(headers.get('retry-after')) });
  if (status >= 500) return new ServerError(init);
  const ErrorClass = byStatus[status] ?? ApiError;
  return new ErrorClass(init);
}
