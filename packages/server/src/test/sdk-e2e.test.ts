import { createServer, connect, type Server, type Socket } from 'node:net';
import { ConflictError, NotFoundError, PermissionError, Prolope, type Middleware } from '@prolope/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from './harness.js';
import { validateResponse } from './spec-validator.js';

/**
 * A TCP proxy that can drop the client's connection right after the server has answered a request,
 * so the client never sees a response the server already acted on: the case retries must survive.
 */
async function droppingProxy(target: URL): Promise<{ url: string; dropNextResponse(): void; dropped: () => number; close(): Promise<void> }> {
  let drop = false;
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (drop && chunk.toString('latin1').startsWith('HTTP/1.1 201')) {
        drop = false;
        dropped++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    dropNextResponse: () => {
      drop = true;
    },
    dropped: () => dropped,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Every response the SDK sees is checked against the spec, like the raw-HTTP tests do.
const specCheck: Middleware = {
  async onResponse({ request, response }) {
    const text = await response.clone().text();
    const type = response.headers.get('content-type') ?? '';
    const body = text && type.includes('json') ? JSON.parse(text) : text;
    const problems = validateResponse(request.method, new URL(request.url).pathname, response.status, type, body);
    if (problems.length > 0) throw new Error(`${request.method} ${request.url} -> ${response.status} breaks the spec: ${problems.join('; ')}`);
    return undefined;
  },
};

describe.each(storeKinds)('SDK against the real server (%s)', (kind) => {
  let t: TestServer;
  let proxy: Awaited<ReturnType<typeof droppingProxy>>;
  let customerKey: string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    proxy = await droppingProxy(new URL(t.url));
    customerKey = (await t.customer()).key;
  });
  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  const sdk = (apiKey: string) => new Prolope({ apiKey, baseUrl: proxy.url, middleware: [specCheck], _backoff: { baseDelayMs: 10, maxDelayMs: 50 } } as never);

  it('a POST retried after a dropped connection creates exactly one record', async () => {
    const prolope = sdk(customerKey);
    proxy.dropNextResponse();
    const contact = await prolope.contacts.create({ name: 'Retry Once', email: 'retry@example.com' });
    expect(proxy.dropped()).toBe(1);
    expect(contact.name).toBe('Retry Once');
    const list = await prolope.contacts.list({ limit: 100 });
    expect(list.data.filter((c) => c.name === 'Retry Once').map((c) => c.id)).toEqual([contact.id]);
  });

  it('without an idempotency key the same drop would have created twice (the control case)', async () => {
    proxy.dropNextResponse();
    const send = () =>
      fetch(`${proxy.url}/v1/contacts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${customerKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'No Key', email: 'nokey@example.com' }),
      });
    await expect(send()).rejects.toThrow();
    expect((await send()).status).toBe(201);
    const list = await sdk(customerKey).contacts.list({ limit: 100 });
    expect(list.data.filter((c) => c.name === 'No Key')).toHaveLength(2);
  });

  it('creates an account and a scoped key, pages with autoPaginate, and maps errors to classes', async () => {
    const operator = sdk(t.operatorKey);
    const account = await operator.accounts.create({
      name: 'SDK Co',
      legal_entity: { type: 'company', legal_name: 'SDK Co OOD', country: 'BG' },
      signatory: { name: 'S', email: 's@example.com', confirms_age_18_or_over: true, confirms_authority: true },
    });
    const admin = sdk(account.initial_api_key.secret);
    expect((await admin.accounts.me()).id).toBe(account.id);
    for (let i = 0; i < 5; i++) await admin.contacts.create({ name: `C${i}`, email: `c${i}@example.com` });
    const names: string[] = [];
    for await (const c of admin.contacts.list({ limit: 2 }).autoPaginate({ max: 4 })) names.push(c.name);
    expect(names).toEqual(['C4', 'C3', 'C2', 'C1']);

    const reader = await admin.apiKeys.create({ name: 'reader', scopes: ['contacts:read'] });
    const limited = sdk(reader.secret);
    const denied = await limited.contacts.create({ name: 'X', email: 'x@example.com' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionError);
    expect((denied as PermissionError).code).toBe('missing_scope');
    const missing = await admin.contacts.retrieve('ctc_00000000000000000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).requestId).toMatch(/^req_/);

    const key = 'sdk-e2e-reuse';
    await admin.contacts.create({ name: 'A', email: 'a@example.com' }, { idempotencyKey: key });
    const reused = await admin.contacts.create({ name: 'B', email: 'b@example.com' }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(ConflictError);
    expect((reused as ConflictError).code).toBe('idempotency_key_reused');
  });
});
