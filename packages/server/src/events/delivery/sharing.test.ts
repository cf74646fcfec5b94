import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../clock.js';
import { openStore, type Store } from '../../store/db.js';
import { startTestServer, storeKinds, type TestServer } from '../../test/harness.js';
import { createDatabase } from '../../test/postgres.js';
import { type EventInput, recordEvent } from '../outbox.js';
import { type DeliveryWorker, startDeliveryWorker } from './index.js';
import { type Receiver, startReceiver } from './test-receiver.js';
import { devPolicy, START } from './test-setup.js';

const DELIVERIES = 500;

/**
 * Two workers on one PostgreSQL database, each with its own connection pool as two server processes
 * would have, ticking at the same time: every delivery is sent exactly once, and both take part.
 */
describe.runIf(storeKinds.includes('postgres'))('two workers sharing PostgreSQL', () => {
  let pg: Awaited<ReturnType<typeof createDatabase>>;
  let t: TestServer;
  let second: Store;
  let receiver: Receiver;
  let workers: DeliveryWorker[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-sharing-'));
  const clock = manualClock(START);

  beforeAll(async () => {
    pg = await createDatabase();
    t = await startTestServer('postgres', { clock, config: { databaseUrl: pg.url } });
    second = openStore({ databaseUrl: pg.url, dataDir });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await receiver?.close();
    await second?.close();
    await t?.close();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`delivers ${DELIVERIES} events exactly once with both workers sending at the same time`, async () => {
    const c = await t.customer();
    const ep = await c.api.post('/v1/webhook-endpoints', { url: receiver.url('/shared'), enabled_events: ['call.*'] });
    expect(ep.status).toBe(201);
    await t.server.store.db.transaction().execute(async (tx) => {
      for (let i = 0; i < DELIVERIES; i++) {
        // A stub call: delivery sharing is tested, not the payload.
        const input = { accountId: c.accountId, type: 'call.completed', object: { id: `call_${i}`, object: 'call' }, at: clock.now() };
        await recordEvent(tx, input as unknown as EventInput);
      }
    });

    // Hold the first answers until more requests are open than one worker may have for one
    // endpoint (8): only then are both provably sending at once.
    let release: () => void = () => undefined;
    const bothSending = new Promise<void>((resolve) => {
      release = resolve;
    });
    const fallback = setTimeout(release, 5000);
    let open = 0;
    receiver.on('/shared', async () => {
      if (++open > 8) release();
      await bothSending;
      open--;
      return { status: 204 };
    });

    const errors: string[] = [];
    const log = { error: (_obj: object, msg: string) => errors.push(msg) };
    const deps = { clock, webhookPolicy: devPolicy, storeKind: 'postgres' as const, secrets: t.server.secrets, log };
    workers = [startDeliveryWorker({ ...deps, db: t.server.store.db, events: t.server.store.events }, { loop: false }), startDeliveryWorker({ ...deps, db: second.db, events: second.events }, { loop: false })];
    const tries = await Promise.all(workers.map((w) => w.tick()));
    clearTimeout(fallback);

    const ids = receiver.at('/shared').map((r) => String(r.headers['webhook-id']));
    expect(ids).toHaveLength(DELIVERIES);
    expect(new Set(ids).size).toBe(DELIVERIES);
    expect((tries[0] ?? 0) + (tries[1] ?? 0)).toBe(DELIVERIES);
    expect(tries.every((n) => n > 0)).toBe(true);
    expect(receiver.maxOpen.get('/shared')).toBeGreaterThan(8);
    expect(errors).toEqual([]);
    const statuses = await t.server.store.db.selectFrom('event_deliveries').select('status').distinct().execute();
    expect(statuses).toEqual([{ status: 'succeeded' }]);
  });
});
