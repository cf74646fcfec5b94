import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { AuthenticationError, PermissionError, Prolope, type StreamEvent, type StreamStatus, type WebSocketConstructor } from '@prolope/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '../../test/harness.js';

/**
 * `prolope.events.stream()` and `prolope.logs.stream()` from the SDK against a real server, with
 * `ws` as the WebSocket (Node.js 20 has none built in). A TCP relay in front of the server cuts the
 * connection to show that the stream reconnects and loses nothing.
 */

/** A TCP relay to `port` that can drop every connection and refuse new ones until `up()`. */
async function relay(port: number): Promise<{ url: string; down(): void; up(): void; close(): Promise<void> }> {
  let open = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = createConnection(port);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    down() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    up() {
      open = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SDK live streams', () => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  const client = (apiKey: string, baseUrl = t.url) =>
    new Prolope({ apiKey, baseUrl, WebSocket: WebSocket as unknown as WebSocketConstructor, _backoff: { baseDelayMs: 20, maxDelayMs: 100 } });
  const trigger = async (type: string) => {
    const res = await c.api.post('/v1/events/trigger', { type });
    expect(res.status).toBe(201);
    return res.body as { id: string; type: string };
  };

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    c = await t.customer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('yields the events as they happen, typed, filtered, in order', async () => {
    const stream = client(c.key).events.stream({ types: ['call.*'] });
    await stream.ready;
    await trigger('number.purchased');
    const sent = [await trigger('call.initiated'), await trigger('call.completed')];
    const got: StreamEvent[] = [];
    for await (const event of stream) {
      got.push(event);
      if (event.type === 'call.completed') {
        expect(event.data.object.object).toBe('call');
        break; // ends the loop and closes the socket
      }
    }
    expect(got).toEqual(sent);
    expect(stream.lastEventId).toBe(sent[1]?.id);
  });

  it('reconnects after the connection drops and sends what it missed', async () => {
    const r = await relay(Number(new URL(t.url).port));
    const statuses: StreamStatus[] = [];
    let reopened: () => void = () => {};
    const back = new Promise<void>((resolve) => {
      reopened = resolve;
    });
    const stream = client(c.key, r.url).events.stream({
      onStatus: (s) => {
        statuses.push(s);
        if (s.state === 'open' && s.reconnected) reopened();
      },
    });
    await stream.ready;
    const iterator = stream[Symbol.asyncIterator]();
    const first = await trigger('call.initiated');
    expect((await iterator.next()).value).toEqual(first);

    r.down();
    const missed = [await trigger('call.answered'), await trigger('call.dtmf')];
    r.up();
    // Once a CI run timed out here (30 s) with no word of where it stood; this says so instead.
    const stuck = setTimeout(() => reopened(), 20_000);
    await back;
    clearTimeout(stuck);
    expect(
      statuses.filter((s) => s.state === 'open' && s.reconnected),
      `no reconnect within 20 s; statuses: ${JSON.stringify(statuses)}`,
    ).not.toEqual([]);
    const after = await trigger('call.completed');
    const rest = [(await iterator.next()).value, (await iterator.next()).value, (await iterator.next()).value];
    expect(rest).toEqual([...missed, after]);
    expect(statuses[0]).toEqual({ state: 'open', reconnected: false });
    expect(statuses).toContainEqual(expect.objectContaining({ state: 'reconnecting', attempt: 1 }));
    stream.close();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    await r.close();
  });

  it('ends with the API error when the key is refused, on HTTP or on the upgrade', async () => {
    const bad = client('pk_live_thisisnotarealkey000').events.stream();
    await expect(bad.ready).rejects.toBeInstanceOf(AuthenticationError);
    await expect(bad[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(AuthenticationError);

    const key = await c.api.post('/v1/api-keys', { name: 'contacts', scopes: ['contacts:read'] });
    // With startingAfter the stream skips its first HTTP call, so the refusal comes on the upgrade.
    const upgrade = client(key.body.secret).events.stream({ startingAfter: (await trigger('call.initiated')).id });
    const err = await upgrade.ready.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionError);
    expect((err as PermissionError).message).toContain('events.stream needs events:read');
  });

  it('streams request lines and events from logs.stream()', async () => {
    const prolope = client(c.key);
    const stream = prolope.logs.stream();
    await stream.ready;
    await prolope.accounts.me();
    const event = await trigger('call.completed');
    const seen: string[] = [];
    for await (const entry of stream) {
      seen.push(entry.object === 'request_log' ? `${entry.method} ${entry.path} ${entry.status}` : `event ${entry.id}`);
      if (seen.includes(`event ${event.id}`) && seen.includes('POST /v1/events/trigger 201')) break;
    }
    expect(seen[0]).toBe('GET /v1/accounts/me 200');
  });

  it('refuses to call a stream as a request', () => {
    expect(() => client(c.key).request('events.stream')).toThrow('events.stream is a WebSocket stream');
  });
});
