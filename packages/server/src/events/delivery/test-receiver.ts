import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';

// The official verifier is a dev dependency of @prolope/webhooks; loading it from there checks our
// signatures against the reference implementation without the server depending on it.
const requireFromWebhooks = createRequire(new URL('../../../../webhooks/package.json', import.meta.url));
const { Webhook } = requireFromWebhooks('standardwebhooks') as {
  Webhook: new (secret: string) => { verify(payload: string, headers: Record<string, string>): unknown };
};

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Decides each answer; may hold it (await something) to play a slow endpoint. */
export type Responder = (req: Received) => Answer | Promise<Answer>;

/**
 * A real HTTP receiver on loopback for delivery tests: it keeps every request, answers per path
 * through a responder the test swaps, and keeps a log of arrivals and answers in the order they
 * happened, and how many requests each path had open at most.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const log: string[] = [];
  const open = new Map<string, number>();
  const maxOpen = new Map<string, number>();
  const responders = new Map<string, Responder>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', async () => {
      const path = req.url ?? '/';
      const got: Received = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(got);
      log.push(`received ${path}`);
      open.set(path, (open.get(path) ?? 0) + 1);
      maxOpen.set(path, Math.max(maxOpen.get(path) ?? 0, open.get(path) ?? 0));
      try {
        const respond: Responder = responders.get(path) ?? (() => ({ status: 204 }));
        const answer = await respond(got);
        log.push(`answered ${path}`);
        res.writeHead(answer.status, answer.headers).end(answer.body);
      } catch {
        res.destroy();
      } finally {
        open.set(path, (open.get(path) ?? 1) - 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    log,
    maxOpen,
    on(path: string, responder: Responder) {
      responders.set(path, responder);
    },
    at: (path: string) => received.filter((r) => r.path === path),
    reset() {
      received.length = 0;
      log.length = 0;
      maxOpen.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * Verifies a request with the official `standardwebhooks` package, as a receiver would at `at`: it
 * checks the timestamp against Date.now(), so Date is set to the test clock's time for the call.
 * Throws as the package does (e.g. "No matching signature found").
 */
export function verifyOfficially(req: Received, secret: string, at: Date): unknown {
  const pick = (name: string) => String(req.headers[name] ?? '');
  const headers = { 'webhook-id': pick('webhook-id'), 'webhook-timestamp': pick('webhook-timestamp'), 'webhook-signature': pick('webhook-signature') };
  vi.useFakeTimers({ toFake: ['Date'], now: at });
  try {
    return new Webhook(secret).verify(req.body, headers);
  } finally {
    vi.useRealTimers();
  }
}
