import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type ControlTransport, NodeUnreachable } from './transport.js';

/** NOTIFY payloads stop at 8000 bytes; longer ones (a 4000-character `say`) go in chunks of this many. */
const CHUNK = 7000;
/** A message whose chunks have not all come within this long is dropped (they come in one commit). */
const PARTIAL_TTL_MS = 60_000;
const RECONNECT_MS = 1_000;

interface Log {
  warn(obj: object, msg: string): void;
}

/** The channel a node listens on: requests to it and answers to its requests. */
export const channelOf = (node: string): string => `prolope_node_${node}`;

/**
 * Live actions over PostgreSQL LISTEN/NOTIFY, the default: no other service to run. One connection of
 * its own per process (LISTEN needs a session, not a pooled client). A message is
 * `<rid> <index> <count> <q|a> <from node> <chunk>`; the chunks of one message are sent in one
 * statement, so they commit, and arrive, together and in order.
 */
export async function openPgTransport(databaseUrl: string, self: string, log?: Log): Promise<ControlTransport> {
  let client: pg.Client | undefined;
  let closing = false;
  let handler: ((payload: string) => Promise<string>) | undefined;
  const pending = new Map<string, { resolve(v: string): void; reject(e: Error): void }>();
  const partial = new Map<string, { parts: string[]; got: number; at: number }>();

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', (msg) => {
      if (msg.payload) receive(msg.payload);
    });
    // A lost connection loses the notifications sent meanwhile: requests then time out (409) and the
    // lease still says whether the node lives. Reconnect until closed.
    c.on('error', (err) => log?.warn({ err }, 'remote control: the LISTEN connection failed; reconnecting'));
    c.on('end', () => {
      if (client === c) client = undefined;
      if (!closing) setTimeout(() => void connect().catch((err) => log?.warn({ err }, 'remote control: reconnecting failed')), RECONNECT_MS).unref();
    });
    await c.connect();
    await c.query(`listen "${channelOf(self)}"`);
    client = c;
  }

  function receive(text: string): void {
    // Five header fields, then the chunk as it is (it may hold spaces).
    const header = /^(\S+) (\d+) (\d+) ([qa]) (\S+) /.exec(text);
    if (!header) return;
    const [, rid = '', i, n, kind, from = ''] = header;
    const chunk = text.slice(header[0].length);
    const count = Number(n);
    let whole = chunk;
    if (count > 1) {
      const now = Date.now();
      for (const [id, p] of partial) if (now - p.at > PARTIAL_TTL_MS) partial.delete(id);
      const p = partial.get(rid) ?? { parts: new Array<string>(count).fill(''), got: 0, at: now };
      partial.set(rid, p);
      p.parts[Number(i)] = chunk;
      if (++p.got < count) return;
      partial.delete(rid);
      whole = p.parts.join('');
    }
    if (kind === 'a') {
      pending.get(rid)?.resolve(whole);
      pending.delete(rid);
    } else if (kind === 'q' && handler) {
      const h = handler;
      h(whole)
        .then((answer) => send(from, rid, 'a', answer))
        .catch((err: unknown) => log?.warn({ err, from }, 'remote control: a forwarded action failed here'));
    }
  }

  async function send(to: string, rid: string, kind: 'q' | 'a', payload: string): Promise<void> {
    const c = client;
    if (!c) throw new Error('the LISTEN connection is down');
    const chunks: string[] = [];
    for (let at = 0; at < payload.length || chunks.length === 0; at += CHUNK) chunks.push(payload.slice(at, at + CHUNK));
    const messages = chunks.map((chunk, i) => `${rid} ${i} ${chunks.length} ${kind} ${self} ${chunk}`);
    await c.query('select pg_notify($1, m) from unnest($2::text[]) with ordinality as t(m, i) order by i', [channelOf(to), messages]);
  }

  await connect();
  return {
    kind: 'postgres',
    async serve(handle) {
      handler = handle;
    },
    request(to, payload, timeoutMs) {
      const rid = randomBytes(12).toString('hex');
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(rid);
          reject(new NodeUnreachable(to, `no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        const settle = {
          resolve(v: string) {
            clearTimeout(timer);
            resolve(v);
          },
          reject(e: Error) {
            clearTimeout(timer);
            reject(e);
          },
        };
        pending.set(rid, settle);
        send(to, rid, 'q', payload).catch((err: Error) => {
          pending.delete(rid);
          settle.reject(new NodeUnreachable(to, err.message));
        });
      });
    },
    async close() {
      closing = true;
      for (const [rid, p] of pending) p.reject(new NodeUnreachable(rid, 'this process is closing'));
      pending.clear();
      await client?.end().catch(() => undefined);
    },
  };
}
