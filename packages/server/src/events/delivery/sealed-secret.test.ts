import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretBox } from '../../secrets/secret-box.js';
import { storeKinds } from '../../test/harness.js';
import { startDeliveryWorker } from './index.js';
import { verifyOfficially } from './test-receiver.js';
import { type DeliverySetup, deliverySetup, devPolicy } from './test-setup.js';

// Issue 13, item 2: endpoints' signing secrets are sealed with the server key. A process started with
// another key (processes sharing PostgreSQL without one PROLOPE_SECRET_KEY) cannot sign: it sends
// nothing unsigned, says why, and the deliveries wait until a process with the right key takes them.
describe.each(storeKinds)('a webhook signing secret sealed with another server key (%s)', (kind) => {
  let s: DeliverySetup;
  beforeAll(async () => {
    s = await deliverySetup(kind);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('sends nothing and logs the key mismatch, then delivers once the key is right', async () => {
    const c = await s.t.customer();
    const ep = await s.endpoint(c, '/sealed');
    s.receiver.on('/sealed', () => ({ status: 200 }));
    const db = s.t.server.store.db;
    const { secret_sealed: good } = await db.selectFrom('webhook_endpoints').select('secret_sealed').where('id', '=', ep.id).executeTakeFirstOrThrow();
    const foreign = secretBox(randomBytes(32)).seal(ep.secret, `webhook_endpoint:${ep.id}:signing_secret`);
    await db.updateTable('webhook_endpoints').set({ secret_sealed: foreign }).where('id', '=', ep.id).execute();
    const event = await s.trigger(c);

    const logged: string[] = [];
    const log = { error: (obj: object, msg: string) => logged.push(`${msg}: ${(obj as { err?: Error }).err?.message}`) };
    const wrongKey = startDeliveryWorker(
      { db, storeKind: s.t.server.store.kind, events: s.t.server.store.events, clock: s.clock, webhookPolicy: devPolicy, secrets: s.t.server.secrets, log },
      { loop: false, random: () => 0.5 },
    );
    try {
      expect(await wrongKey.tick()).toBe(0);
    } finally {
      await wrongKey.stop();
    }
    expect(s.receiver.at('/sealed')).toEqual([]);
    expect(logged).toEqual([expect.stringMatching(/signing secret cannot be opened.*PROLOPE_SECRET_KEY/)]);

    await db.updateTable('webhook_endpoints').set({ secret_sealed: good }).where('id', '=', ep.id).execute();
    s.clock.advance(10 * 60_000);
    expect(await s.worker.tick()).toBe(1);
    const [got] = s.receiver.at('/sealed');
    if (!got) throw new Error('nothing received');
    expect(verifyOfficially(got, ep.secret, s.clock.now())).toEqual(event);
  });
});
