// The peer bench/webhooks measures Prolope's delivery against: a bare signed sender. No store, no
// queue, no retries: it signs each event with the official `standardwebhooks` package and posts it
// with undici, keeping as many requests in flight as Prolope's delivery loop does (128), to the same
// receiver. What Prolope delivers per second as a share of this is the cost of doing it durably.
import { createRequire } from 'node:module';

const serverRequire = createRequire(new URL('../../packages/server/package.json', import.meta.url));
const { Agent, request } = serverRequire('undici');
const { Webhook } = createRequire(new URL('../../packages/webhooks/package.json', import.meta.url))('standardwebhooks');

process.on('message', async (m) => {
  if (m.type === 'exit') process.exit(0);
  if (m.type !== 'send') return;
  const { url, secret, template, count, inFlight, label } = m;
  const signer = new Webhook(secret);
  const agent = new Agent({ keepAliveTimeout: 4_000 });
  let next = 0;
  let failed = 0;
  async function one(i) {
    const id = `evt_bare_${label}_${i}`;
    // A fresh created_at per event, as Prolope stamps each change: the receiver's latency is measured from it.
    const payload = JSON.stringify({ ...template, id, created_at: new Date().toISOString() });
    const now = new Date();
    const res = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign(id, now, payload),
      },
      body: payload,
    });
    await res.body.dump();
    if (res.statusCode !== 200) failed++;
  }
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await one(next++);
    }),
  );
  await agent.close();
  process.send?.({ failed });
});
process.send?.({ ready: true });
