import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

describe.each(storeKinds)('the breach job loop (%s)', (kind) => {
  const clock = manualClock('2027-01-12T10:00:00+02:00');
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(kind, { clock, incidents: { loop: true, maxSleepMs: 300 } });
  });
  afterAll(() => t?.close());

  it('announces a breach on its own once the due time has passed', async () => {
    const c = await t.customer();
    const ctc = (await c.api.post('/v1/contacts', { name: 'Ana', email: 'ana@example.com', can_open_incidents: true })).body.id;
    const ana = t.client((await c.api.post('/v1/api-keys', { name: 'Ana', scopes: ['incidents:write'], contact_id: ctc })).body.secret);
    const inc = (await ana.post('/v1/incidents', { severity: 'critical', service: 'api', title: 'Down', description: 'Every request answers 503.' })).body;
    clock.advance(3_600_000 + 1);
    let events: unknown[] = [];
    for (let i = 0; i < 40 && events.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      events = (await c.api.get(`/v1/events?type=incident.sla_breached&object_id=${inc.id}`)).body.data;
    }
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ data: { target: 'initial_response', breached_by_seconds: 1 } });
  });
});
