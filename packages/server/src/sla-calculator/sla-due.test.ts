import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';

const sofia = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Sofia', dateStyle: 'short', timeStyle: 'short' });
const sofiaTime = (iso: string) => sofia.format(new Date(iso)).replace(' ', 'T');

/** `GET /v1/sla/due`: public, the SDK's slaDueTimes() with the operator's calendar overrides, on both stores. */
describe.each(storeKinds)('sla.due (%s)', (kind) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  const due = (query: string) => t.client().get(`/v1/sla/due?${query}`);

  it('answers the CLI sample with no key: high at 2026-12-23 17:00 Sofia, across Christmas and New Year', async () => {
    const res = await due(`severity=high&at=${encodeURIComponent('2026-12-23T17:00:00+02:00')}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      object: 'sla_due',
      severity: 'high',
      clock: 'support_hours',
      started_at: '2026-12-23T15:00:00.000Z',
      initial_response: '2026-12-29T14:00:00.000Z',
      temporary_solution: '2026-12-31T15:00:00.000Z',
      final_resolution: '2027-01-18T15:00:00.000Z',
    });
    expect(sofiaTime(res.body.initial_response)).toBe('2026-12-29T16:00');
    expect(sofiaTime(res.body.temporary_solution)).toBe('2026-12-31T17:00');
    expect(sofiaTime(res.body.final_resolution)).toBe('2027-01-18T17:00');
  });

  it('runs critical on the 24/7 clock', async () => {
    const res = await due('severity=critical&at=2026-12-23T15:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      clock: '24x7',
      initial_response: '2026-12-23T16:00:00.000Z',
      temporary_solution: '2026-12-23T23:00:00.000Z',
      final_resolution: '2026-12-30T15:00:00.000Z',
    });
  });

  it("counts the operator's extra days off (the offline answer does not know them)", async () => {
    // 29 December 2026 decreed a day off: the first support hours after Christmas move to the 30th.
    const put = await t.operator.request('PUT', '/v1/calendar/2026', { body: { days_off: ['2026-12-29'], working_days: [] } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    try {
      const res = await due('severity=high&at=2026-12-23T15:00:00Z');
      expect(res.status).toBe(200);
      expect(res.body.initial_response).toBe('2026-12-30T14:00:00.000Z');
    } finally {
      await t.operator.request('PUT', '/v1/calendar/2026', { body: { days_off: [], working_days: [] } });
    }
  });

  it('answers 400 for a severity that does not exist, or a missing or malformed at', async () => {
    for (const query of ['severity=urgent&at=2026-12-23T15:00:00Z', 'severity=high', 'severity=high&at=yesterday']) {
      const res = await due(query);
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toBe('validation_failed');
    }
  });
});
