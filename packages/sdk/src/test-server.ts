// Test helper (not exported from the package): a real HTTP server on 127.0.0.1 whose answers each
// test scripts, so the SDK is exercised over actual sockets rather than a mocked fetch.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** ms since the server started, to check waits between attempts. */
  at: number;
}

/** Answers request number `n` (0-based); `record` is what the server received. */
export type Handler = (res: ServerResponse, record: Recorded, n: number) => void | Promise<void>;

export interface TestServer {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

/**
 * Starts a server. With an array, request n gets handlers[n] and later requests the last one;
 * with a function, every request gets it.
 */
export async function startServer(script: Handler | Handler[]): Promise<TestServer> {
  const started = Date.now();
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const record: Recorded = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now() - started,
      };
      const n = requests.push(record) - 1;
      const handler = Array.isArray(script) ? (script[n] ?? script[script.length - 1]) : script;
      if (!handler) throw new Error('startServer: no handler');
      void handler(res, record, n);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let counter = 0;

/** Sends JSON with a request id, as the API does on every answer. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (res) => {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Prolope-Request-Id': `req_test${++counter}`,
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
}

/** Sends an RFC 9457 problem. */
export function problem(status: number, code: string, detail: string, headers: Record<string, string> = {}, extra: object = {}): Handler {
  return (res) => {
    res.writeHead(status, {
      'Content-Type': 'application/problem+json',
      'Prolope-Request-Id': `req_test${++counter}`,
      ...headers,
    });
    res.end(JSON.stringify({ type: `https://docs.prolope.dev/errors#${code}`, title: code, status, code, detail, ...extra }));
  };
}

/** Sends any body with any content type. */
export function text(status: number, body: string, contentType = 'text/html'): Handler {
  return (res) => {
    res.writeHead(status, { 'Content-Type': contentType });
    res.end(body);
  };
}

/** Sends binary bytes (a file download), with a request id like the API's. */
export function bytes(status: number, body: Uint8Array, contentType: string, headers: Record<string, string> = {}): Handler {
  return (res) => {
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.length), 'Prolope-Request-Id': `req_test${++counter}`, ...headers });
    res.end(body);
  };
}

/** Kills the connection without an answer, as a crashed server or a reset would. */
export const destroy: Handler = (res) => {
  res.socket?.destroy();
};

/** Starts a 200 answer, then kills the connection halfway through the body. */
export const destroyMidBody: Handler = (res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
  res.write('{"id":');
  setTimeout(() => res.socket?.destroy(), 10);
};

/** Never answers (until the server closes). */
export const hang: Handler = () => {};

/** A minimal ApiKey-shaped object. */
export function apiKey(id: string, extra: object = {}): Record<string, unknown> {
  return {
    object: 'api_key',
    id,
    account_id: 'acct_1',
    name: id,
    prefix: 'pk_live_',
    last4: 'abcd',
    scopes: ['admin'],
    status: 'active',
    created_at: '2026-01-01T00:00:00.000Z',
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
    ...extra,
  };
}
