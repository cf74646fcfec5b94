import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { dbSnapshot } from '../test/db-snapshot.js';
import { fuzzFailures } from '../test/fuzz-resource.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { specOperations } from '../test/spec-operations.js';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];
const office = {
  name: 'Sofia office',
  time_zone: 'Europe/Sofia',
  hours: [
    { days: weekdays, open: '09:00', close: '12:30' },
    { days: weekdays, open: '13:30', close: '18:00' },
  ],
};

describe.each(storeKinds)('schedules API (%s)', (kind) => {
  let t: TestServer;
  // Wednesday 23 December 2026, 10:00 in Sofia.
  const clock = manualClock('2026-12-23T08:00:00Z');
  beforeAll(async () => {
    t = await startTestServer(kind, { clock, config: { sipEnabled: false } });
  });
  afterAll(async () => {
    await t?.close();
  });
  const db = () => t.server.store.db;
  type Client = Awaited<ReturnType<TestServer['customer']>>;

  async function ownNumber(c: Client): Promise<string> {
    const number = `+35929${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const stock = await t.operator.post('/v1/number-inventory', {
      numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
    });
    expect(stock.status).toBe(201);
    expect((await c.api.post('/v1/numbers', { number })).status).toBe(201);
    return number;
  }

  it('creates, lists, reads, updates and deletes a schedule, with defaults and an event for each change', async () => {
    const c = await t.customer();
    const res = await c.api.post('/v1/schedules', { ...office, closed_dates: ['2026-12-31', '2026-12-30'] });
    expect(res.status).toBe(201);
    const s = res.body;
    expect(s).toMatchObject({ object: 'schedule', account_id: c.accountId, ...office, public_holidays: true, closed_dates: ['2026-12-30', '2026-12-31'] });
    expect(s.id).toMatch(/^sch_/);
    const plain = (
      await c.api.post('/v1/schedules', { name: '24/7', time_zone: 'UTC', hours: [{ days: ['sun'], open: '00:00', close: '24:00' }], public_holidays: false })
    ).body;
    expect(plain).toMatchObject({ public_holidays: false, closed_dates: [] });
    expect((await c.api.get(`/v1/schedules/${s.id}`)).body).toEqual(s);
    expect((await c.api.get('/v1/schedules')).body.data.map((x: { id: string }) => x.id)).toEqual([plain.id, s.id]);
    const updated = await c.api.patch(`/v1/schedules/${s.id}`, { time_zone: 'America/New_York', public_holidays: false });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ time_zone: 'America/New_York', public_holidays: false, hours: office.hours });
    expect((await c.api.get(`/v1/schedules/${s.id}`)).body).toEqual(updated.body);
    const deleted = await c.api.delete(`/v1/schedules/${s.id}`);
    expect(deleted.body).toEqual({ id: s.id, object: 'schedule', deleted: true });
    expect((await c.api.get(`/v1/schedules/${s.id}`)).status).toBe(404);
    const events = await db().selectFrom('events').select(['type', 'payload']).where('object_id', '=', s.id).orderBy('id').execute();
    expect(events.map((e) => e.type)).toEqual(['schedule.created', 'schedule.updated', 'schedule.deleted']);
    expect(JSON.parse(events[1]!.payload).data.object).toEqual(updated.body);
  });

  it('tells whether it is open now (the server clock) or at a time, and until when', async () => {
    const c = await t.customer();
    const s = (await c.api.post('/v1/schedules', office)).body;
    const status = (at?: string) => c.api.get(`/v1/schedules/${s.id}/status${at ? `?at=${encodeURIComponent(at)}` : ''}`);
    expect((await status()).body).toEqual({
      object: 'schedule_status',
      schedule_id: s.id,
      at: '2026-12-23T08:00:00.000Z',
      open: true,
      next_change: '2026-12-23T10:30:00.000Z',
    });
    expect((await status('2026-12-23T12:45:00+02:00')).body).toMatchObject({ open: false, next_change: '2026-12-23T11:30:00.000Z' });
    // Wednesday evening: Christmas Eve, Christmas, the 26th in lieu on Monday 28th: open again on Tuesday 29th.
    expect((await status('2026-12-23T18:00:00+02:00')).body).toMatchObject({ open: false, next_change: '2026-12-29T07:00:00.000Z' });
    expect((await status('2026-12-24T10:00:00+02:00')).body).toMatchObject({ open: false });
    clock.set('2026-12-24T08:00:00Z');
    expect((await status()).body).toMatchObject({ open: false, at: '2026-12-24T08:00:00.000Z' });
    clock.set('2026-12-23T08:00:00Z');
    const never = (await c.api.post('/v1/schedules', { name: 'closed', time_zone: 'UTC', hours: [] })).body;
    expect((await c.api.get(`/v1/schedules/${never.id}/status`)).body).toMatchObject({ open: false, next_change: null });
    const bad = await status('yesterday');
    expect(bad.status).toBe(400);
    expect(String(bad.headers.get('content-type'))).toContain('application/problem+json');
  });

  it('routes a number by a schedule, and refuses to delete a schedule a number uses with 409 schedule_in_use naming the number', async () => {
    const c = await t.customer();
    const number = await ownNumber(c);
    const user = (await c.api.post('/v1/sip-users', { username: 'desk', extension: '201' })).body.id;
    const box = (await c.api.post('/v1/voicemail-boxes', { name: 'After hours', pin: '1234' })).body.id;
    const s = (await c.api.post('/v1/schedules', office)).body;
    const route = {
      type: 'schedule',
      schedule_id: s.id,
      open: { type: 'sip_user', sip_user_id: user },
      closed: { type: 'voicemail_box', voicemail_box_id: box },
    };
    const routed = await c.api.patch(`/v1/numbers/${encodeURIComponent(number)}`, { route });
    expect(routed.status, JSON.stringify(routed.body)).toBe(200);
    expect(routed.body.route).toEqual({ ...route, open: { ...route.open, ring_timeout: 30 } });
    const before = await dbSnapshot(db());
    const inUse = await c.api.delete(`/v1/schedules/${s.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe('schedule_in_use');
    expect(inUse.body.detail).toContain(number);
    expect(await dbSnapshot(db())).toEqual(before);
    // A schedule route inside a schedule route, or a missing target, is refused.
    for (const [bad, param] of [
      [{ ...route, open: route }, null],
      [{ ...route, schedule_id: 'sch_nothere' }, '/body/route/schedule_id'],
      [{ ...route, closed: { type: 'voicemail_box', voicemail_box_id: 'vmb_nothere' } }, '/body/route/closed/voicemail_box_id'],
      [{ ...route, open: { type: 'ring_group', ring_group_id: 'rgrp_nothere' } }, '/body/route/open/ring_group_id'],
      [{ type: 'schedule', schedule_id: s.id, open: route.open }, null],
    ] as const) {
      const res = await c.api.patch(`/v1/numbers/${encodeURIComponent(number)}`, { route: bad });
      expect(res.status, JSON.stringify(bad)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(bad)).toBeLessThan(500);
      if (param) expect(res.body).toMatchObject({ code: 'invalid_reference', param });
    }
    expect(await dbSnapshot(db())).toEqual(before);
    expect((await c.api.patch(`/v1/numbers/${encodeURIComponent(number)}`, { route: null })).status).toBe(200);
    expect((await c.api.delete(`/v1/schedules/${s.id}`)).status).toBe(200);
  });

  it('keeps accounts apart: another account gets 404 everywhere, an empty list, and cannot route by another tenant’s schedule', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const s = (await a.api.post('/v1/schedules', office)).body;
    const numberB = await ownNumber(b);
    const boxB = (await b.api.post('/v1/voicemail-boxes', { name: 'B', pin: '1234' })).body.id;
    const boxA = (await a.api.post('/v1/voicemail-boxes', { name: 'A', pin: '1234' })).body.id;
    const mine = (await b.api.post('/v1/schedules', office)).body;
    const before = await dbSnapshot(db());
    expect((await b.api.get(`/v1/schedules/${s.id}`)).status).toBe(404);
    expect((await b.api.get(`/v1/schedules/${s.id}/status`)).status).toBe(404);
    expect((await b.api.patch(`/v1/schedules/${s.id}`, { name: 'Mine' })).status).toBe(404);
    expect((await b.api.delete(`/v1/schedules/${s.id}`)).status).toBe(404);
    expect((await b.api.get('/v1/schedules')).body.data.map((x: { id: string }) => x.id)).toEqual([mine.id]);
    for (const route of [
      {
        type: 'schedule',
        schedule_id: s.id,
        open: { type: 'voicemail_box', voicemail_box_id: boxB },
        closed: { type: 'voicemail_box', voicemail_box_id: boxB },
      },
      {
        type: 'schedule',
        schedule_id: mine.id,
        open: { type: 'voicemail_box', voicemail_box_id: boxA },
        closed: { type: 'voicemail_box', voicemail_box_id: boxB },
      },
      {
        type: 'schedule',
        schedule_id: mine.id,
        open: { type: 'voicemail_box', voicemail_box_id: boxB },
        closed: { type: 'voicemail_box', voicemail_box_id: boxA },
      },
    ]) {
      const res = await b.api.patch(`/v1/numbers/${encodeURIComponent(numberB)}`, { route });
      expect(res.status, JSON.stringify(route)).toBe(422);
      expect(res.body.code).toBe('invalid_reference');
    }
    expect(await dbSnapshot(db())).toEqual(before);
  });

  it('needs pbx:write to change schedules and pbx:read to read them', async () => {
    const c = await t.customer();
    const s = (await c.api.post('/v1/schedules', office)).body;
    const reader = t.client((await c.api.post('/v1/api-keys', { name: 'pbx read', scopes: ['pbx:read'] })).body.secret);
    const numbers = t.client((await c.api.post('/v1/api-keys', { name: 'numbers', scopes: ['numbers:write', 'numbers:read'] })).body.secret);
    for (const res of [
      await reader.post('/v1/schedules', office),
      await reader.patch(`/v1/schedules/${s.id}`, { name: 'x' }),
      await reader.delete(`/v1/schedules/${s.id}`),
      await numbers.get('/v1/schedules'),
      await numbers.get(`/v1/schedules/${s.id}`),
      await numbers.get(`/v1/schedules/${s.id}/status`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('missing_scope');
    }
    expect((await reader.get(`/v1/schedules/${s.id}`)).body).toEqual(s);
    expect((await reader.get(`/v1/schedules/${s.id}/status`)).status).toBe(200);
  });

  it('answers bad input with problem+json naming the mistake, and writes nothing', async () => {
    const c = await t.customer();
    const s = (await c.api.post('/v1/schedules', office)).body;
    const before = await dbSnapshot(db());
    const h = (open: string, close: string, days = ['mon']) => ({ days, open, close });
    const cases: [unknown, string | null, string | null][] = [
      [{}, null, null],
      [{ name: 'x', time_zone: 'UTC' }, null, null],
      [{ ...office, name: '' }, null, null],
      [{ ...office, time_zone: 'Mars/Olympus' }, 'invalid_time_zone', '/body/time_zone'],
      [{ ...office, time_zone: '' }, null, null],
      [{ ...office, hours: [h('9:00', '17:00')] }, null, null],
      [{ ...office, hours: [h('09:00', '24:01')] }, null, null],
      [{ ...office, hours: [h('09:00', '17:60')] }, null, null],
      [{ ...office, hours: [{ days: [], open: '09:00', close: '17:00' }] }, null, null],
      [{ ...office, hours: [{ days: ['funday'], open: '09:00', close: '17:00' }] }, null, null],
      [{ ...office, hours: [{ days: ['mon', 'mon'], open: '09:00', close: '17:00' }] }, null, null],
      [{ ...office, hours: [h('17:00', '09:00')] }, 'schedule_close_before_open', '/body/hours/0/close'],
      [{ ...office, hours: [h('09:00', '09:00')] }, 'schedule_close_before_open', '/body/hours/0/close'],
      [{ ...office, hours: [h('08:00', '10:00'), h('09:00', '12:00', ['tue', 'mon'])] }, 'schedule_hours_overlap', '/body/hours/1'],
      [{ ...office, hours: [h('08:00', '12:00'), h('12:00', '13:00'), h('09:00', '10:00', ['sun', 'mon'])] }, 'schedule_hours_overlap', '/body/hours/2'],
      [{ ...office, closed_dates: ['2026-13-01x'] }, null, null],
      [{ ...office, closed_dates: ['2026-12-24', '2026-12-24'] }, null, null],
      [{ ...office, public_holidays: 'yes' }, null, null],
      [{ ...office, id: 'sch_mine' }, null, null],
      [null, null, null],
      ['schedule', null, null],
    ];
    for (const [body, code, param] of cases) {
      const res = await c.api.post('/v1/schedules', body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      expect(String(res.headers.get('content-type'))).toContain('application/problem+json');
      if (code) expect(res.body, JSON.stringify(body)).toMatchObject({ code, param });
    }
    for (const body of [{}, { name: null }, { time_zone: 'Nowhere/Land' }, { hours: [h('10:00', '09:00')] }, { closed_dates: null }]) {
      const res = await c.api.patch(`/v1/schedules/${s.id}`, body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
    }
    // Hours that touch (12:00 to 12:00) or fall on other days do not overlap.
    const touching = await c.api.post('/v1/schedules', { ...office, hours: [h('08:00', '12:00'), h('12:00', '24:00'), h('00:00', '24:00', ['tue'])] });
    expect(touching.status).toBe(201);
    await c.api.delete(`/v1/schedules/${touching.body.id}`);
    await db().deleteFrom('events').where('object_id', '=', touching.body.id).execute();
    expect((await c.api.get('/v1/schedules/sch_doesnotexist')).status).toBe(404);
    expect((await c.api.get('/v1/schedules/not-an-id')).status).toBe(400);
    expect(await dbSnapshot(db())).toEqual(before);
  });

  it('answers fuzzed requests to every schedule operation with documented 2xx/4xx, never 5xx', async () => {
    const c = await t.customer();
    const s = (await c.api.post('/v1/schedules', office)).body;
    const realIds = new Map([['/v1/schedules', s.id as string]]);
    const ops = specOperations().filter((o) => o.id.startsWith('schedules.'));
    expect(ops).toHaveLength(6);
    const failures = await fuzzFailures(t.url, c.key, ops, { seed: 20261223, perOperation: 40, realIds });
    expect(failures).toEqual([]);
  }, 120_000);
});
