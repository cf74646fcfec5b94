import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, BadRequestError, ConflictError, Prolope, type ProlopeOptions, RateLimitError, ServerError, TimeoutError } from './index.js';
import { apiKey, destroy, destroyMidBody, hang, json, problem, startServer, type TestServer } from './test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(extra: ProlopeOptions = {}): Prolope {
  if (!server) throw new Error('start the server first');
  return new Prolope({ apiKey: 'k', baseUrl: server.url, _backoff: { baseDelayMs: 2, maxDelayMs: 10 }, ...extra });
}

const created = json(201, apiKey('key_new', { secret: 's' }));
const createBody = { name: 'ci', scopes: ['contacts:read' as const] };

function keysSent(): (string | string[] | undefined)[] {
  return server?.requests.map((r) => r.headers['idempotency-key']) ?? [];
}

function expectOneKeyOnEveryAttempt(attempts: number): string {
  const keys = keysSent();
  expect(keys).toHaveLength(attempts);
  const first = keys[0];
  expect(typeof first).toBe('string');
  expect(new Set(keys).size).toBe(1);
  // Bodies must match too, or the server would refuse the key as reused with another body.
  expect(new Set(server?.requests.map((r) => r.body)).size).toBe(1);
  return first as string;
}

describe('retries', () => {
  it('retries 503 and resends the same Idempotency-Key', async () => {
    server = await startServer([problem(503, 'unavailable', 'down'), problem(503, 'unavailable', 'down'), created]);
    const key = await client().apiKeys.create(createBody);
    expect(key.id).toBe('key_new');
    expect(expectOneKeyOnEveryAttempt(3)).toMatch(/^prolope-node-retry-/);
  });

  it('honours Retry-After on 429', async () => {
    server = await startServer([problem(429, 'rate_limited', 'slow down', { 'Retry-After': '1' }), created]);
    await client().apiKeys.create(createBody);
    expectOneKeyOnEveryAttempt(2);
    const [first, second] = server.requests;
    // The computed backoff is at most 10 ms here, so a wait of about a second can only come from Retry-After.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('does not sleep through a Retry-After longer than a minute', async () => {
    server = await startServer([problem(429, 'rate_limited', 'slow down', { 'Retry-After': '120' }), created]);
    const err = await client()
      .apiKeys.create(createBody)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryAfter).toBe(120);
    expect(server.requests).toHaveLength(1);
  });

  it('retries 409 with the same key', async () => {
    server = await startServer([problem(409, 'idempotency_key_in_use', 'in flight'), created]);
    await client().apiKeys.create(createBody);
    expectOneKeyOnEveryAttempt(2);
  });

  it('retries a connection destroyed before or during the answer, with the same key', async () => {
    server = await startServer([destroy, destroyMidBody, created]);
    const key = await client().apiKeys.create(createBody);
    expect(key.id).toBe('key_new');
    expectOneKeyOnEveryAttempt(3);
  });

  it("a user's Idempotency-Key wins and is reused on every attempt", async () => {
    server = await startServer([destroy, problem(500, 'internal', 'oops'), created]);
    await client().apiKeys.create(createBody, { idempotencyKey: 'my-key-1' });
    expect(expectOneKeyOnEveryAttempt(3)).toBe('my-key-1');
  });

  it('retries GETs without inventing an Idempotency-Key', async () => {
    server = await startServer([problem(502, 'bad_gateway', 'x'), json(200, apiKey('key_1'))]);
    await client().apiKeys.retrieve('key_1');
    expect(keysSent()).toEqual([undefined, undefined]);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    server = await startServer([problem(503, 'unavailable', 'still down')]);
    const err = await client({ maxRetries: 2 })
      .accounts.me()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(3);
  });

  it('per-call maxRetries overrides the client', async () => {
    server = await startServer([problem(503, 'unavailable', 'down'), created]);
    const err = await client({ maxRetries: 5 })
      .apiKeys.create(createBody, { maxRetries: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('Prolope-Should-Retry: false stops a retry the status would allow', async () => {
    server = await startServer([problem(409, 'conflict', 'state changed', { 'Prolope-Should-Retry': 'false' }), created]);
    const err = await client()
      .apiKeys.create(createBody)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(server.requests).toHaveLength(1);
  });

  it('Prolope-Should-Retry: true retries a status that normally is not', async () => {
    server = await startServer([problem(400, 'try_again', 'transient', { 'Prolope-Should-Retry': 'true' }), created]);
    await client().apiKeys.create(createBody);
    expectOneKeyOnEveryAttempt(2);
  });

  it('does not retry 400', async () => {
    server = await startServer([problem(400, 'validation_failed', 'bad'), created]);
    const err = await client()
      .apiKeys.create(createBody)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('timeouts and aborts', () => {
  it('times out each attempt and throws TimeoutError once retries are spent', async () => {
    server = await startServer([hang]);
    const started = Date.now();
    const err = await client({ timeout: 100, maxRetries: 1 })
      .accounts.me()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as Error).message).toContain('within 100 ms (2 attempts)');
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('per-call timeout overrides the client', async () => {
    server = await startServer([hang]);
    const err = await client({ timeout: 60_000, maxRetries: 0 })
      .accounts.me({ timeout: 50 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it('a user abort ends the call at once, without retrying', async () => {
    server = await startServer([hang]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const err = await client({ maxRetries: 3 })
      .accounts.me({ signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });

  it('a user abort also cuts short the wait before a retry', async () => {
    server = await startServer([problem(503, 'unavailable', 'down', { 'Retry-After': '30' }), created]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const err = await client()
      .apiKeys.create(createBody, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    server = await startServer([created]);
    const err = await client()
      .apiKeys.create(createBody, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(server.requests).toHaveLength(0);
  });
});
