import { afterEach, describe, expect, it } from 'vitest';
import { PagePromise, Prolope, paginate } from './index.js';
import { apiKey, type Handler, startServer, type TestServer } from './test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ids = ['key_1', 'key_2', 'key_3', 'key_4', 'key_5', 'key_6', 'key_7'];

/** Serves `ids` as the API would: `limit` per page, resuming after `starting_after`. */
const lister: Handler = (res, record) => {
  const url = new URL(record.url, 'http://x');
  const limit = Number(url.searchParams.get('limit') ?? 20);
  const after = url.searchParams.get('starting_after');
  const start = after ? ids.indexOf(after) + 1 : 0;
  const data = ids.slice(start, start + limit).map((id) => apiKey(id));
  const hasMore = start + limit < ids.length;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ object: 'list', data, has_more: hasMore, next_cursor: hasMore ? data.at(-1)?.id : null }));
};

function queries(): string[] {
  return server?.requests.map((r) => r.url) ?? [];
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('pagination', () => {
  it('awaiting a list gives the first page', async () => {
    server = await startServer(lister);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const pending = prolope.apiKeys.list({ limit: 3 });
    expect(pending).toBeInstanceOf(PagePromise);
    const page = await pending;
    expect(page.data.map((k) => k.id)).toEqual(['key_1', 'key_2', 'key_3']);
    expect(page.has_more).toBe(true);
    expect(page.next_cursor).toBe('key_3');
  });

  it('autoPaginate follows next_cursor across 3 pages, keeping the query', async () => {
    server = await startServer(lister);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const keys = await collect(prolope.apiKeys.list({ limit: 3 }).autoPaginate({ max: 100 }));
    expect(keys.map((k) => k.id)).toEqual(ids);
    expect(queries()).toEqual(['/v1/api-keys?limit=3', '/v1/api-keys?limit=3&starting_after=key_3', '/v1/api-keys?limit=3&starting_after=key_6']);
  });

  it('autoPaginate stops at max without fetching further pages', async () => {
    server = await startServer(lister);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const keys = await collect(prolope.apiKeys.list({ limit: 3 }).autoPaginate({ max: 4 }));
    expect(keys.map((k) => k.id)).toEqual(['key_1', 'key_2', 'key_3', 'key_4']);
    expect(server.requests).toHaveLength(2);
  });

  it('autoPaginate reuses a first page already awaited', async () => {
    server = await startServer(lister);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const pending = prolope.apiKeys.list({ limit: 5 });
    await pending;
    const keys = await collect(pending.autoPaginate({ max: Number.POSITIVE_INFINITY }));
    expect(keys).toHaveLength(7);
    expect(server.requests).toHaveLength(2);
  });

  it('autoPaginate without max throws a clear error at once, sending nothing', async () => {
    server = await startServer(lister);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const list = prolope.apiKeys.list();
    expect(() => (list.autoPaginate as (o?: unknown) => unknown)()).toThrow(/autoPaginate\(\) needs \{ max \}/);
    expect(() => list.autoPaginate({ max: -1 })).toThrow(TypeError);
    expect(() => list.autoPaginate({ max: 2.5 })).toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });

  it('stops when a page says has_more but gives no cursor', async () => {
    server = await startServer((res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [apiKey('key_1')], has_more: true, next_cursor: null }));
    });
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const keys = await collect(prolope.apiKeys.list().autoPaginate({ max: 10 }));
    expect(keys).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it('paginate() drives any list method', async () => {
    server = await startServer(lister);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const keys = await collect(paginate(prolope.apiKeys.list, { limit: 2 }, { max: 5 }));
    expect(keys.map((k) => k.id)).toEqual(['key_1', 'key_2', 'key_3', 'key_4', 'key_5']);
    expect(queries()).toEqual(['/v1/api-keys?limit=2', '/v1/api-keys?limit=2&starting_after=key_2', '/v1/api-keys?limit=2&starting_after=key_4']);
  });

  it('paginate() without max throws', () => {
    const prolope = new Prolope({ apiKey: 'k' });
    expect(() => paginate(prolope.apiKeys.list, {}, undefined as never)).toThrow(/paginate\(\) needs \{ max \}/);
  });

  it('request() on a list operation returns a PagePromise too', async () => {
    server = await startServer(lister);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });
    const keys = await collect(prolope.request('apiKeys.list', { query: { limit: 4 } }).autoPaginate({ max: 6 }));
    expect(keys.map((k) => k.id)).toEqual(ids.slice(0, 6));
  });
});
