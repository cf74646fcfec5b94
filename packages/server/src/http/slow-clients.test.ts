import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS, loadConfig } from '../config.js';
import { startTestServer, type TestServer } from '../test/harness.js';

/** A raw client socket and everything the server sent on it until it closed. */
interface Raw {
  socket: Socket;
  /** Resolves once the server has closed the socket, with all it sent. */
  closed: Promise<string>;
}

function open(url: string): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

describe('slow clients are cut off by the header, request and keep-alive timeouts', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Small timeouts so the server's own timers end each held socket within the test's time.
    t = await startTestServer('sqlite', {
      config: { http: { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300, maxConnectionsPerIp: 0 } },
    });
  });
  afterAll(() => t?.close());

  it('headers that never finish: the server answers 408 and closes', async () => {
    const c = await open(t.url);
    c.socket.write('GET /v1/health HTTP/1.1\r\nHost: prolope\r\nX-Slow: ');
    expect(await c.closed).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a body that never finishes: the server answers 408 and closes, and the handler never ran', async () => {
    const c = await open(t.url);
    const customer = await t.customer();
    c.socket.write(
      `POST /v1/contacts HTTP/1.1\r\nHost: prolope\r\nAuthorization: Bearer ${customer.key}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"name":"Slow",`,
    );
    expect(await c.closed).toMatch(/^HTTP\/1\.1 408/);
    expect((await customer.api.get('/v1/contacts')).body.data).toEqual([]);
  });

  it('a connection that sends nothing is closed', async () => {
    const c = await open(t.url);
    await c.closed;
    expect(c.socket.destroyed).toBe(true);
  });

  it('an idle keep-alive connection is closed after its answer', async () => {
    const c = await open(t.url);
    c.socket.write('GET /v1/health HTTP/1.1\r\nHost: prolope\r\nConnection: keep-alive\r\n\r\n');
    const all = await c.closed;
    expect(all).toMatch(/^HTTP\/1\.1 200/);
    expect(all.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });
});

describe('connections per client address are capped (PROLOPE_MAX_CONNECTIONS_PER_IP)', () => {
  const CAP = 5;
  let t: TestServer;
  beforeAll(async () => {
    // Long timeouts: the held sockets stay held while the test opens more, so the cap alone decides.
    t = await startTestServer('sqlite', {
      config: { http: { ...DEFAULT_HTTP_LIMITS, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000, maxConnectionsPerIp: CAP } },
    });
  });
  afterAll(() => t?.close());

  it('a bounded slow-loris: the first sockets are held, every one past the cap is refused with 429 at once', async () => {
    const sockets: Raw[] = [];
    for (let i = 0; i < 4 * CAP; i++) {
      const c = await open(t.url);
      c.socket.write('GET /v1/health HTTP/1.1\r\nHost: prolope\r\n');
      sockets.push(c);
    }
    const refused = sockets.slice(CAP);
    for (const c of refused) {
      const answer = await c.closed;
      expect(answer).toMatch(/^HTTP\/1\.1 429/);
      expect(answer).toContain('Retry-After: 1');
      expect(answer).toContain('"code":"rate_limited"');
    }
    const held = sockets.slice(0, CAP);
    for (const c of held) expect(c.socket.destroyed).toBe(false);
    // The held ones were served normally: finishing a request answers it.
    const first = held[0] as Raw;
    first.socket.end('\r\n');
    expect(await first.closed).toMatch(/^HTTP\/1\.1 200/);
    for (const c of held.slice(1)) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    // Freed: the address may connect again.
    const res = await fetch(`${t.url}/v1/health`);
    expect(res.status).toBe(200);
  });

  it('reads the settings and refuses a timeout of 0 or headers longer than the request', () => {
    expect(loadConfig({}).http).toEqual(DEFAULT_HTTP_LIMITS);
    expect(loadConfig({ PROLOPE_MAX_CONNECTIONS_PER_IP: '0', PROLOPE_HEADERS_TIMEOUT_MS: '5000' }).http).toMatchObject({
      maxConnectionsPerIp: 0,
      headersTimeoutMs: 5000,
    });
    expect(() => loadConfig({ PROLOPE_REQUEST_TIMEOUT_MS: '0' })).toThrow(/PROLOPE_REQUEST_TIMEOUT_MS must be at least 100/);
    expect(() => loadConfig({ PROLOPE_HEADERS_TIMEOUT_MS: '40000' })).toThrow(/must not exceed PROLOPE_REQUEST_TIMEOUT_MS/);
  });
});
