import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../test/api-client.js';
import { accountBody, storeKinds } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { freePort, requireBuild, serverProcess } from './server-process.js';

const requireFromWebhooks = createRequire(new URL('../../../../webhooks/package.json', import.meta.url));
const { Webhook } = requireFromWebhooks('standardwebhooks') as {
  Webhook: new (secret: string) => { verify(payload: string, headers: Record<string, string>): unknown };
};

const EVENTS = 400;
const PER_ENDPOINT = 8;
const HOLD_MS = 150;
const OPERATOR_KEY = `pk_live_twoprocesses${'0'.repeat(20)}`;
/** Processes sharing a database share the server key: each seals and opens the endpoints' signing secrets. */
const SECRET_KEY = randomBytes(32).toString('hex');

/**
 * A slow receiver: holds every request HOLD_MS, counts how many are open at once, verifies each with
 * the official `standardwebhooks` package and keeps how often each event id came.
 */
async function slowReceiver() {
  const seen = new Map<string, number>();
  let open = 0;
  let maxOpen = 0;
  let unverified = 0;
  let verifier: InstanceType<typeof Webhook> | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      const body = Buffer.concat(chunks).toString('utf8');
      const h = (n: string) => String(req.headers[n] ?? '');
      try {
        verifier?.verify(body, { 'webhook-id': h('webhook-id'), 'webhook-timestamp': h('webhook-timestamp'), 'webhook-signature': h('webhook-signature') });
      } catch {
        unverified++;
      }
      const id = (JSON.parse(body) as { id: string }).id;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      await sleep(HOLD_MS);
      open--;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    seen,
    maxOpen: () => maxOpen,
    unverified: () => unverified,
    useSecret: (secret: string) => {
      verifier = new Webhook(secret);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

requireBuild();

/**
 * Scale-out (issue 5): two server processes, the built program users run, share one PostgreSQL
 * database. Each may have PER_ENDPOINT requests open to the endpoint; more than that at the receiver
 * at once means both were sending at the same time, and every event still arrives exactly once (the
 * claim takes rows with FOR UPDATE SKIP LOCKED).
 */
describe.runIf(storeKinds.includes('postgres'))('webhook delivery shared by two server processes (postgres)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  });

  it(`delivers ${EVENTS} events exactly once, with both processes sending at the same time`, async () => {
    const receiver = await slowReceiver();
    cleanups.push(receiver.close);
    const pg = await createDatabase();
    cleanups.push(pg.drop);
    const processes = [];
    for (const name of ['a', 'b']) {
      const dataDir = mkdtempSync(join(tmpdir(), `prolope-two-${name}-`));
      cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
      const port = await freePort();
      const proc = serverProcess({
        PROLOPE_PORT: String(port),
        PROLOPE_HOST: '127.0.0.1',
        PROLOPE_DATA_DIR: dataDir,
        DATABASE_URL: pg.url,
        PROLOPE_OPERATOR_KEY: OPERATOR_KEY,
        PROLOPE_SECRET_KEY: SECRET_KEY,
        PROLOPE_SIP: 'off',
        PROLOPE_RATE_LIMIT: '0',
        PROLOPE_LOG_LEVEL: 'error',
        PROLOPE_WEBHOOK_PER_ENDPOINT: String(PER_ENDPOINT),
        // Development mode: the receiver is on loopback.
        NODE_ENV: 'test',
      });
      cleanups.push(proc.stop);
      // One after the other: the first migrates the database.
      await proc.start();
      processes.push({ proc, base: `http://127.0.0.1:${port}` });
    }
    const [a, b] = processes as [(typeof processes)[0], (typeof processes)[0]];

    const created = await apiClient(a.base, OPERATOR_KEY).post('/v1/accounts', accountBody('Two Processes'));
    expect(created.status).toBe(201);
    const key: string = created.body.initial_api_key.secret;
    const endpoint = await apiClient(b.base, key).post('/v1/webhook-endpoints', { url: receiver.url, enabled_events: ['call.*'] });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    receiver.useSecret(endpoint.body.secret);

    // Half the events through each process's API, a few at a time.
    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i += 20) {
      const batch = Array.from({ length: 20 }, (_, j) =>
        apiClient((i + j) % 2 === 0 ? a.base : b.base, key).post('/v1/events/trigger', { type: 'call.completed' }),
      );
      for (const res of await Promise.all(batch)) {
        expect(res.status).toBe(201);
        ids.push(res.body.id);
      }
    }
    const started = Date.now();
    while (receiver.seen.size < EVENTS && Date.now() - started < 60_000) await sleep(100);

    expect(receiver.seen.size).toBe(EVENTS);
    expect([...receiver.seen.keys()].sort()).toEqual([...ids].sort());
    expect([...receiver.seen.values()].filter((n) => n !== 1)).toEqual([]);
    expect(receiver.unverified()).toBe(0);
    // One process alone never has more than PER_ENDPOINT open to the endpoint.
    expect(receiver.maxOpen()).toBeGreaterThan(PER_ENDPOINT);
    expect(receiver.maxOpen()).toBeLessThanOrEqual(2 * PER_ENDPOINT);
    const attempts = await apiClient(a.base, key).get(`/v1/events/${ids[0]}/attempts`);
    expect(attempts.body.data.map((x: { status: string }) => x.status)).toEqual(['succeeded']);
  });
});
