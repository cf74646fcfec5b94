// Test support (not exported): a real `ws` client for the live streams that queues what arrives.
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';

export interface StreamClient {
  ws: WebSocket;
  /** The next message, parsed; waits for it. */
  next<T = Record<string, unknown>>(): Promise<T>;
  /** Resolves with the close code and reason once the socket closes (from either side). */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** An upgrade the server refused, with its HTTP answer. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: IncomingMessage['headers'],
  ) {
    super(`refused with ${status}`);
  }
}

/** Opens `path` (with its query) on the server at `baseUrl`; rejects with {@link Refused} when the upgrade is answered with a status. */
export function openStream(baseUrl: string, path: string, key?: string): Promise<StreamClient> {
  const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + path, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const queue: unknown[] = [];
  const waiting: Array<(message: unknown) => void> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data));
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => reject(new Refused(res.statusCode ?? 0, text ? JSON.parse(text) : {}, res.headers)));
    });
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        closed,
        next: <T>() => new Promise<T>((done) => (queue.length > 0 ? done(queue.shift() as T) : waiting.push(done as (m: unknown) => void))),
        close: async () => {
          ws.close();
          await closed;
        },
      }),
    );
  });
}

/** The refusal of an upgrade that was expected to fail. */
export async function refusal(baseUrl: string, path: string, key?: string): Promise<Refused> {
  try {
    const client = await openStream(baseUrl, path, key);
    await client.close();
  } catch (err) {
    if (err instanceof Refused) return err;
    throw err;
  }
  throw new Error(`${path} was not refused`);
}
