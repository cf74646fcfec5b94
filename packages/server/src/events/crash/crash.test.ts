import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { apiClient } from '../../test/api-client.js';
import { accountBody, storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { freePort, requireBuild, serverProcess } from './server-process.js';

// The official verifier is a dev dependency of @prolope/webhooks; loading it from there checks our
// signatures against the reference implementation without the server depending on it.
const requireFromWebhooks = createRequire(new URL('../../../../webhooks/package.json', import.meta.url));
const { Webhook } = requireFromWebhooks('standardwebhooks') as {
  Webhook: new (secret: string) => { verify(payload: string, headers: Record<string, string>): unknown };
};

const BURST = 10_000;
const IN_FLIGHT = 50;
const KILL_AFTER = 3_000;
const OPERATOR_KEY = `pk_live_crashtest${'0'.repeat(24)}`;

/**
 * A receiver as a customer would write it: verify, note the event id, answer 200. It keeps every
 * id it was sent, how often, and the burst index each event's key name carries.
 */
async function startReceiver() {
  const deliveries = new Map<string, number>();
  const eventOfChange = new Map<number, Set<string>>();
  const unverified: string[] = [];
  let verifier: { verify(payload: string, headers: Record<string, string>): unknown } | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const pick = (name: string) => String(req.headers[name] ?? '');
      const id = pick('webhook-id');
      try {
        if (!verifier) throw new Error('no secret yet');
        verifier.verify(body, { 'webhook-id': id, 'webhook-timestamp': pick('webhook-timestamp'), 'webhook-signature': pick('webhook-signature') });
      } catch (err) {
        unverified.push(`${id}: ${(err as Error).message}`);
        res.writeHead(400).end();
        return;
      }
      deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
      const event = JSON.parse(body) as { id: string; data: { object: { name?: string } } };
      const index = Number(/^burst (\d+)$/.exec(event.data.object.name ?? '')?.[1] ?? -1);
      const ids = eventOfChange.get(index) ?? new Set<string>();
      ids.add(event.id);
      eventOfChange.set(index, ids);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    deliveries,
    eventOfChange,
    unverified,
    useSecret(secret: string) {
      verifier = new Webhook(secret);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Outcome = 'created' | 'answer_lost';

/**
 * One state change, retried with the same Idempotency-Key until the server settles it: through the
 * kill (connection reset or refused), the restart, and a claim the dead process left behind.
 */
async function change(base: string, key: string, index: number, tries: Map<string, number>): Promise<Outcome> {
  const note = (what: string) => tries.set(what, (tries.get(what) ?? 0) + 1);
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${base}/v1/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `burst-${index}` },
        body: JSON.stringify({ name: `burst ${index}`, scopes: ['contacts:read'] }),
      });
      const body = (await res.json()) as { code?: string };
      note(`${res.status}${body.code ? ` ${body.code}` : ''}`);
      if (res.status === 201) return 'created';
      // The change committed before the kill, its answer did not: it is made, and must not be made again.
      if (body.code === 'idempotency_key_answer_lost') return 'answer_lost';
      if (res.headers.get('prolope-should-retry') !== 'true') throw new Error(`burst ${index}: ${res.status} ${JSON.stringify(body)}`);
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (!code) throw err;
      note(code); // ECONNRESET, ECONNREFUSED, ...: the server is down or restarting
    }
    await sleep(Math.min(500, 20 * 2 ** Math.min(attempt, 5)));
  }
}

/** Waits for a condition the test needs; the test's timeout bounds it, and `describe` says how far it got. */
async function until(done: () => boolean, describe: () => string, maxMs: number): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > maxMs) throw new Error(`gave up waiting after ${maxMs / 1000} s: ${describe()}`);
    await sleep(100);
  }
}

requireBuild();

describe.each(storeKinds)('webhook delivery across a SIGKILL (%s)', (kind) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  });

  it(`delivers every one of ${BURST} events at least once after a kill in the middle of the burst`, async () => {
    const receiver = await startReceiver();
    cleanups.push(receiver.close);
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-crash-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const pg = kind === 'postgres' ? await createDatabase() : undefined;
    if (pg) cleanups.push(pg.drop);
    const port = await freePort();
    const server = serverProcess({
      PROLOPE_PORT: String(port),
      PROLOPE_HOST: '127.0.0.1',
      PROLOPE_DATA_DIR: dataDir,
      DATABASE_URL: pg?.url ?? '',
      PROLOPE_OPERATOR_KEY: OPERATOR_KEY,
      PROLOPE_SIP: 'off',
      PROLOPE_RATE_LIMIT: '0',
      PROLOPE_LOG_LEVEL: 'error',
      // Development mode: the receiver is on loopback.
      NODE_ENV: 'test',
    });
    cleanups.push(server.stop);
    await server.start();
    const base = `http://127.0.0.1:${port}`;

    const created = await apiClient(base, OPERATOR_KEY).post('/v1/accounts', accountBody('Crash Test'));
    expect(created.status).toBe(201);
    const key: string = created.body.initial_api_key.secret;
    const api = apiClient(base, key);
    const endpoint = await api.post('/v1/webhook-endpoints', { url: receiver.url, enabled_events: ['api_key.created'] });
    expect(endpoint.status).toBe(201);
    receiver.useSecret(endpoint.body.secret);

    const tries = new Map<string, number>();
    const outcomes = new Map<Outcome, number>();
    let next = 0;
    let settled = 0;
    let killed: Promise<void> | undefined;
    const atKill = { settled: 0, received: 0 };
    const worker = async () => {
      while (next < BURST) {
        const outcome = await change(base, key, next++, tries);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (++settled === KILL_AFTER) {
          atKill.settled = settled;
          atKill.received = receiver.deliveries.size;
          // The other workers' requests are mid-flight: some not yet claimed, some claimed, some
          // committed and not yet answered, while deliveries are being claimed and sent.
          killed = server.kill().then(server.start);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await killed;

    // Deliveries the killed worker had claimed but not sent stay locked until their lock lapses.
    await until(
      () => receiver.deliveries.size >= BURST,
      () => `${receiver.deliveries.size} of ${BURST} distinct events received; server stderr:\n${server.stderr()}`,
      150_000,
    );

    // One event per change: none lost, none made twice by a retry.
    const changes = [...receiver.eventOfChange.entries()];
    expect(changes.filter(([i]) => i < 0 || i >= BURST)).toEqual([]);
    expect(changes.filter(([, ids]) => ids.size !== 1)).toEqual([]);
    expect(receiver.eventOfChange.size).toBe(BURST);
    expect(receiver.deliveries.size).toBe(BURST);
    expect(receiver.unverified).toEqual([]);
    expect((outcomes.get('created') ?? 0) + (outcomes.get('answer_lost') ?? 0)).toBe(BURST);

    // The account's api_key.created events are the burst's plus its initial key's, and the receiver had each burst one.
    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const query: string = `/v1/events?type=api_key.created&limit=100${cursor ? `&starting_after=${cursor}` : ''}`;
      const page = await api.get(query);
      expect(page.status).toBe(200);
      for (const e of page.body.data as { id: string }[]) listed.add(e.id);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(listed.size).toBe(BURST + 1);
    expect([...receiver.deliveries.keys()].filter((id) => !listed.has(id))).toEqual([]);

    const sent = [...receiver.deliveries.values()].reduce((a, b) => a + b, 0);
    console.log(
      `[crash ${kind}] killed after ${atKill.settled} changes settled (${atKill.received} events received by then); ` +
        `${outcomes.get('created') ?? 0} answered 201, ${outcomes.get('answer_lost') ?? 0} answer lost in the kill; ` +
        `${receiver.deliveries.size} distinct events received, ${sent - receiver.deliveries.size} duplicate deliveries; ` +
        `requests: ${[...tries.entries()].map(([k, v]) => `${k} ×${v}`).join(', ')}`,
    );
  }, 240_000);
});
