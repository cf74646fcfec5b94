import { generateSecret } from '@prolope/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iso } from '../../clock.js';
import { newId } from '../../ids.js';
import { storeKinds } from '../../test/harness.js';
import { sealEndpointSecret } from '../../webhook-endpoints/endpoint.js';
import { urlPolicy } from '../../http/url-policy.js';
import { type DeliverySetup, deliverySetup } from './test-setup.js';

/**
 * SSRF at send time: the address a delivery actually connects to is checked, for an IP literal and
 * for a name resolved at that moment. The endpoints are written straight to the store, as if their
 * URL had passed the save-time check and resolved differently since.
 */
describe.each(storeKinds)('delivery SSRF guard (%s)', (kind) => {
  let s: DeliverySetup;
  beforeAll(async () => {
    s = await deliverySetup(kind);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses loopback outside development mode, with the reason in the attempt, and sends nothing', async () => {
    const c = await s.t.customer();
    const now = iso(s.clock.now());
    const insert = async (url: string) => {
      const id = newId('webhookEndpoint', s.clock.now());
      await s.t.server.store.db
        .insertInto('webhook_endpoints')
        .values({
          id,
          account_id: c.accountId,
          url,
          description: null,
          enabled_events: '["*"]',
          status: 'enabled',
          disabled_reason: null,
          failing_since: null,
          secret_sealed: sealEndpointSecret(s.t.server.secrets, id, generateSecret()),
          previous_secret_sealed: null,
          previous_secret_expires_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return id;
    };
    const literal = await insert(s.receiver.url('/literal'));
    const named = await insert(`http://localhost:${s.receiver.port}/named`);
    const event = await s.trigger(c);

    const production = s.workerWith({}, urlPolicy({ development: false, webhookAllow: [] }));
    expect(await production.tick()).toBe(2);
    expect(s.receiver.received).toEqual([]);
    const attempts = await s.attempts(c, event.id);
    const byEndpoint = new Map(attempts.map((a) => [a.endpoint_id, a]));
    expect(byEndpoint.get(literal)).toMatchObject({ status: 'failed', response_status: null, error: '127.0.0.1 is a loopback address' });
    expect(byEndpoint.get(named)).toMatchObject({ status: 'failed', response_status: null });
    expect(byEndpoint.get(named)?.error).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), and .* is a loopback address$/);

    // The same deliveries go through once the operator allows the address: the guard is what stopped them.
    s.clock.advance(5000);
    const allowed = s.workerWith({}, urlPolicy({ development: false, webhookAllow: ['127.0.0.1'] }));
    expect(await allowed.tick()).toBe(2);
    expect(s.receiver.received.map((r) => r.path).sort()).toEqual(['/literal', '/named']);
  });
});
