import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionError,
  Prolope,
  ProlopeError,
  RateLimitError,
  ServerError,
  UnprocessableEntityError,
} from './index.js';
import { problem, startServer, type TestServer, text } from './test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

const cases = [
  [400, BadRequestError, 'validation_failed'],
  [401, AuthenticationError, 'invalid_api_key'],
  [403, PermissionError, 'missing_scope'],
  [404, NotFoundError, 'not_found'],
  [409, ConflictError, 'idempotency_key_in_use'],
  [413, PayloadTooLargeError, 'payload_too_large'],
  [422, UnprocessableEntityError, 'signatory_confirmation_required'],
  [429, RateLimitError, 'rate_limited'],
  [500, ServerError, 'internal_error'],
  [503, ServerError, 'store_unavailable'],
] as const;

describe('errors from problem+json', () => {
  it.each(cases)('%i becomes %o', async (status, ErrorClass, code) => {
    server = await startServer([problem(status, code, `detail for ${status}`, { 'Prolope-Request-Id': `req_${status}` })]);
    const prolope = new Prolope({ apiKey: 'pk_test', baseUrl: server.url, maxRetries: 0 });

    const err = await failure(prolope.apiKeys.create({ name: 'x', scopes: [] }));

    expect(err).toBeInstanceOf(ErrorClass);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(ProlopeError);
    const apiErr = err as ApiError;
    expect(apiErr.name).toBe(ErrorClass.name);
    expect(apiErr.status).toBe(status);
    expect(apiErr.code).toBe(code);
    expect(apiErr.detail).toBe(`detail for ${status}`);
    expect(apiErr.requestId).toBe(`req_${status}`);
    expect(apiErr.problem?.type).toBe(`https://docs.prolope.dev/errors#${code}`);
    expect(apiErr.headers.get('content-type')).toBe('application/problem+json');
    expect(apiErr.message).toContain(`${status} ${code}: detail for ${status}`);
    expect(apiErr.message).toContain(`[request req_${status}]`);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps param and the list of validation errors', async () => {
    server = await startServer([
      problem(400, 'validation_failed', 'name is required', {}, { param: '/body/name', errors: [{ message: 'required', param: '/body/name' }] }),
    ]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const err = (await failure(prolope.contacts.create({ name: '', email: 'x' } as never))) as BadRequestError;
    expect(err.param).toBe('/body/name');
    expect(err.problem?.errors).toEqual([{ message: 'required', param: '/body/name' }]);
  });

  it('a status without a subclass is a plain ApiError', async () => {
    server = await startServer([problem(415, 'unsupported_media_type', 'Send application/json')]);
    const err = await failure(new Prolope({ apiKey: 'k', baseUrl: server.url }).contacts.update('ctc_1', {}));
    expect(err).toBeInstanceOf(ApiError);
    expect(Object.getPrototypeOf(err)).toBe(ApiError.prototype);
    expect((err as ApiError).status).toBe(415);
  });

  it('RateLimitError carries Retry-After in seconds', async () => {
    server = await startServer([problem(429, 'rate_limited', 'Slow down', { 'Retry-After': '7' })]);
    const err = (await failure(new Prolope({ apiKey: 'k', baseUrl: server.url, maxRetries: 0 }).accounts.me())) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfter).toBe(7);
  });
});

describe('error messages name the likely mistake', () => {
  it('401 without any key says how to pass one', async () => {
    server = await startServer([problem(401, 'missing_api_key', 'No Authorization header')]);
    const saved = process.env.PROLOPE_API_KEY;
    delete process.env.PROLOPE_API_KEY;
    try {
      const err = (await failure(new Prolope({ baseUrl: server.url }).accounts.me())) as AuthenticationError;
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(err.message).toMatch(/^No API key: pass \{ apiKey \} or set PROLOPE_API_KEY/);
      expect(server.requests[0]?.headers.authorization).toBeUndefined();
    } finally {
      if (saved !== undefined) process.env.PROLOPE_API_KEY = saved;
    }
  });

  it("401 with a 'Bearer ' key says to drop the scheme", async () => {
    server = await startServer([problem(401, 'invalid_api_key', 'Malformed key')]);
    const err = (await failure(new Prolope({ apiKey: 'Bearer pk_x', baseUrl: server.url }).accounts.me())) as Error;
    expect(err.message).toMatch(/^The API key starts with 'Bearer '/);
  });

  it('403 names the scopes the operation needs', async () => {
    server = await startServer([problem(403, 'missing_scope', 'Forbidden')]);
    const err = (await failure(new Prolope({ apiKey: 'k', baseUrl: server.url }).apiKeys.revoke('key_1'))) as Error;
    expect(err.message).toMatch(/^The API key lacks a scope: apiKeys\.revoke needs api_keys:write/);
  });
});

describe('errors from non-JSON bodies', () => {
  it('a non-JSON 500 is still a ServerError, with the body kept', async () => {
    server = await startServer([text(500, '<html><body>Internal Server Error</body></html>')]);
    const err = (await failure(new Prolope({ apiKey: 'k', baseUrl: server.url, maxRetries: 0 }).accounts.me())) as ServerError;
    expect(err).toBeInstanceOf(ServerError);
    expect(err.status).toBe(500);
    expect(err.code).toBe('http_500');
    expect(err.problem).toBeUndefined();
    expect(err.rawBody).toBe('<html><body>Internal Server Error</body></html>');
    expect(err.message).toContain('non-problem body (text/html)');
    expect(err.message).toContain('Internal Server Error');
  });

  it('a JSON body that is not a problem is treated as foreign text', async () => {
    server = await startServer([text(502, '{"message":"Bad gateway"}', 'application/json')]);
    const err = (await failure(new Prolope({ apiKey: 'k', baseUrl: server.url, maxRetries: 0 }).accounts.me())) as ServerError;
    expect(err).toBeInstanceOf(ServerError);
    expect(err.problem).toBeUndefined();
    expect(err.rawBody).toBe('{"message":"Bad gateway"}');
  });

  it('a non-JSON 404 suggests the baseUrl is wrong', async () => {
    server = await startServer([text(404, 'Cannot GET /v1/accounts/me', 'text/plain')]);
    const err = (await failure(new Prolope({ apiKey: 'k', baseUrl: server.url }).accounts.me())) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toContain(`is baseUrl (${server.url}) a Prolope API?`);
  });

  it('an empty error body still becomes an ApiError', async () => {
    server = await startServer([
      (res) => {
        res.writeHead(404, { 'Content-Length': '0' }).end();
      },
    ]);
    const err = (await failure(new Prolope({ apiKey: 'k', baseUrl: server.url }).accounts.me())) as NotFoundError;
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.rawBody).toBe('');
  });
});

describe('network errors', () => {
  it('a refused connection is a ConnectionError with the cause', async () => {
    const closed = await startServer([]);
    await closed.close();
    const prolope = new Prolope({ apiKey: 'k', baseUrl: closed.url, maxRetries: 1, _backoff: { baseDelayMs: 1 } });
    const err = (await failure(prolope.accounts.me())) as ConnectionError;
    expect(err).toBeInstanceOf(ConnectionError);
    expect(err).toBeInstanceOf(ProlopeError);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('2 attempts');
    expect(err.cause).toBeInstanceOf(Error);
  });
});
