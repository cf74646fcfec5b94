import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { sipResponder } from '../test/sip-responder.js';
import { freeUdpPort, requireSipp, SIPP, startSippUas } from '../test/sipp.js';
import { eventually, explain, rtpSink, scenario } from '../test/call-fixtures.js';

/**
 * Outbound calls through the operator's carriers from `/v1/carriers`, with SIPp as each carrier: read
 * per call (no restart), tried by priority with failover on 5xx and unreachable carriers, the carrier's
 * digest password opened from its sealed form, and why each call ended on the record (`hangup_reason`),
 * including `sipp -sn uas`, whose answer is PCMU.
 */
requireSipp('carrier calls');

describe.skipIf(!SIPP).each(storeKinds)('outbound calls through API carriers (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let bootstrap: Awaited<ReturnType<typeof sipResponder>>;
  let from: string;
  let seq = 0;
  const fresh = () => `+3592${8_700_000 + ++seq + (kind === 'postgres' ? 500 : 0)}`;

  beforeAll(async () => {
    // The bootstrap carrier of PROLOPE_CARRIER_URI answers busy: it shows when no API carrier is enabled.
    bootstrap = await sipResponder(486, 'Busy Here');
    t = await startTestServer(kind, { config: { carrierUri: `sip:127.0.0.1:${bootstrap.port}` } });
    c = await t.customer();
    from = fresh();
    await buy(c, from);
  });
  afterAll(async () => {
    await t?.close();
    await bootstrap?.close();
  });
  afterEach(async () => {
    for (const carrier of (await t.operator.get('/v1/carriers?limit=100')).body.data) await t.operator.delete(`/v1/carriers/${carrier.id}`);
  });

  async function buy(customer: typeof c, number: string): Promise<void> {
    const stock = await t.operator.post('/v1/number-inventory', {
      numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
    });
    expect(stock.status).toBe(201);
    expect((await customer.api.post('/v1/numbers', { number })).status).toBe(201);
  }
  const addCarrier = async (body: Record<string, unknown>) => {
    const res = await t.operator.post('/v1/carriers', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string };
  };
  const ended = (id: string) =>
    eventually(
      async () => (await c.api.get(`/v1/calls/${id}`)).body as Record<string, any>,
      (call) => call.ended_at != null,
    );
  const call = async (to: string, over: Record<string, unknown> = {}) => {
    const res = await c.api.post('/v1/calls', { from, to, instructions: [{ verb: 'say', text: 'Hello from Prolope.' }], ...over });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  it('uses a carrier added through the API from the next call on, answering its digest challenge with the sealed password', async () => {
    // No API carrier yet: the bootstrap carrier (PROLOPE_CARRIER_URI) takes the call and answers busy.
    const before = await ended(await call('+35929991001'));
    expect(before).toMatchObject({ status: 'busy', sip_code: 486, hangup_reason: { code: 'busy', message: 'the callee is busy (486 Busy Here)' } });
    expect(bootstrap.invites).toHaveLength(1);

    const port = await freeUdpPort();
    await addCarrier({ name: 'SIPp carrier', uri: `sip:127.0.0.1:${port}`, username: 'carrier-user', password: 'carrier-Pass-1' });
    const media = await rtpSink();
    try {
      const uas = await startSippUas(scenario('outbound-uas-digest.xml'), ['-set', 'rtpport', String(media.port)], port);
      const id = await call('+35929991002');
      const run = await uas.done;
      expect(run.code, explain(run)).toBe(0);
      const done = await ended(id);
      expect(done).toMatchObject({
        status: 'completed',
        sip_code: 200,
        hangup_by: 'caller',
        hangup_reason: { code: 'normal_clearing', message: 'the caller hung up' },
      });
      expect(media.pcma()).toBeGreaterThan(0);
    } finally {
      media.socket.close();
    }
    // The API carrier took precedence: the bootstrap carrier saw nothing more.
    expect(bootstrap.invites).toHaveLength(1);
  });

  it('fails over from a carrier answering 503 to the next by priority; with the next disabled the call ends carrier_error', async () => {
    const [downPort, upPort] = [await freeUdpPort(), await freeUdpPort()];
    await addCarrier({ name: 'Down', uri: `sip:127.0.0.1:${downPort}`, priority: 1 });
    const backup = await addCarrier({ name: 'Up', uri: `sip:127.0.0.1:${upPort};transport=udp`, priority: 2 });
    const to = '+35929991003';
    const media = await rtpSink();
    try {
      const down = await startSippUas(scenario('outbound-uas-503.xml'), [], downPort);
      const up = await startSippUas(scenario('outbound-uas.xml'), ['-set', 'rtpport', String(media.port), '-set', 'touser', to], upPort);
      const id = await call(to);
      const [downRun, upRun] = [await down.done, await up.done];
      expect(downRun.code, explain(downRun)).toBe(0);
      expect(upRun.code, explain(upRun)).toBe(0);
      expect(await ended(id)).toMatchObject({ status: 'completed', sip_code: 200, answered_at: expect.any(String) });
    } finally {
      media.socket.close();
    }

    // Disabled through the API: the next call tries only the carrier that is down, and says so.
    expect((await t.operator.patch(`/v1/carriers/${backup.id}`, { enabled: false })).body.enabled).toBe(false);
    const down = await startSippUas(scenario('outbound-uas-503.xml'), [], downPort);
    const id = await call('+35929991004');
    expect((await down.done).code).toBe(0);
    expect(await ended(id)).toMatchObject({
      status: 'failed',
      sip_code: 503,
      hangup_by: 'callee',
      hangup_reason: { code: 'carrier_error', message: 'the carrier answered 503 Service Unavailable' },
    });
  });

  it('skips a carrier whose name does not resolve, but never tries another after a busy', async () => {
    const [busyPort] = [await freeUdpPort()];
    const spare = await sipResponder(200, 'OK');
    try {
      await addCarrier({ name: 'Gone', uri: 'sip:carrier.invalid', priority: 1 });
      await addCarrier({ name: 'Busy', uri: `sip:127.0.0.1:${busyPort}`, priority: 2 });
      await addCarrier({ name: 'Spare', uri: `sip:127.0.0.1:${spare.port}`, priority: 3 });
      const busy = await startSippUas(scenario('outbound-uas-busy.xml'), [], busyPort);
      const id = await call('+35929991005');
      expect((await busy.done).code).toBe(0);
      expect(await ended(id)).toMatchObject({ status: 'busy', sip_code: 486, hangup_reason: { code: 'busy' } });
      // The callee was reached and is busy: another carrier would only ring them again.
      expect(spare.invites).toEqual([]);

      // Left with the unresolvable one only, the call says so.
      for (const carrier of (await t.operator.get('/v1/carriers')).body.data) {
        if (carrier.name !== 'Gone') await t.operator.delete(`/v1/carriers/${carrier.id}`);
      }
      const alone = await ended(await call('+35929991008'));
      expect(alone).toMatchObject({ status: 'failed', hangup_by: 'system', hangup_reason: { code: 'carrier_unreachable' } });
      expect(alone.hangup_reason.message).toMatch(/^the carrier's host name does not resolve \(carrier\.invalid: E[A-Z]+\)$/);
    } finally {
      await spare.close();
    }
  });

  it('puts the reason of `sipp -sn uas` (an answer in PCMU) on the call record: media_incompatible', async () => {
    const port = await freeUdpPort();
    await addCarrier({ name: 'PCMU only', uri: `sip:127.0.0.1:${port}`, priority: 1 });
    const uas = await startSippUas('builtin:uas', [], port);
    const id = await call('+35929991006');
    const run = await uas.done;
    // SIPp saw the whole call: INVITE, our ACK, then our BYE at once (we cannot talk PCMU).
    expect(run.code, explain(run)).toBe(0);
    expect(await ended(id)).toMatchObject({
      status: 'failed',
      sip_code: 488,
      hangup_by: 'system',
      answered_at: null,
      hangup_reason: { code: 'media_incompatible', message: 'the far end answered PCMU; Prolope requires PCMA at 20 ms (terms 5.2)' },
    });
    const completed = await t.server.store.db
      .selectFrom('events')
      .select('payload')
      .where('object_id', '=', id)
      .where('type', '=', 'call.completed')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(completed.payload).data.object.hangup_reason.code).toBe('media_incompatible');
  });

  it("dials a trunk's outbound_target on its own port", async () => {
    const port = await freeUdpPort();
    const trunk = await c.api.post('/v1/sip-trunks', {
      name: 'PBX on 5080-ish',
      allowed_ips: ['127.0.0.1'],
      allowed_caller_ids: [from],
      outbound_target: `127.0.0.1:${port}`,
      credentials: { username: `target-${kind}-${process.pid}`, password: 'pbx-Secret-2026' },
    });
    expect(trunk.status, JSON.stringify(trunk.body)).toBe(201);
    expect(trunk.body.outbound_target).toBe(`127.0.0.1:${port}`);
    const uas = await startSippUas(scenario('outbound-uas-busy.xml'), [], port);
    const id = await call('+35929991007', { sip_trunk_id: trunk.body.id, instructions: [{ verb: 'hangup' }] });
    const run = await uas.done;
    expect(run.code, explain(run)).toBe(0);
    expect(await ended(id)).toMatchObject({ status: 'busy', sip_code: 486, sip_trunk_id: trunk.body.id, hangup_reason: { code: 'busy' } });
  });
});

describe('a carrier password sealed with another key', () => {
  it('is not used: the call ends internal_error naming the key, with no INVITE sent', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prolope-carrier-key-'));
    const carrier = await sipResponder(200, 'OK');
    try {
      const first = await startTestServer('sqlite', { config: { dataDir, secretKey: randomBytes(32) } });
      let customerKey: string;
      let from: string;
      try {
        const c = await first.customer();
        customerKey = c.key;
        from = '+35929991099';
        await first.operator.post('/v1/number-inventory', {
          numbers: [{ number: from, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
        });
        expect((await c.api.post('/v1/numbers', { number: from })).status).toBe(201);
        const res = await first.operator.post('/v1/carriers', {
          name: 'Sealed',
          uri: `sip:127.0.0.1:${carrier.port}`,
          username: 'u',
          password: 'Sealed-Pass-1',
        });
        expect(res.status).toBe(201);
      } finally {
        await first.close();
      }
      // The same data on a server started with another PROLOPE_SECRET_KEY.
      const second = await startTestServer('sqlite', { config: { dataDir, secretKey: randomBytes(32), operatorKey: first.operatorKey } });
      try {
        expect((await second.operator.get('/v1/carriers')).body.data[0]).toMatchObject({ name: 'Sealed', password_set: true });
        const api = second.client(customerKey);
        const res = await api.post('/v1/calls', { from, to: '+35929991098', instructions: [{ verb: 'hangup' }] });
        expect(res.status).toBe(201);
        const done = await eventually(
          async () => (await api.get(`/v1/calls/${res.body.id}`)).body as Record<string, any>,
          (call) => call.ended_at != null,
        );
        expect(done.status).toBe('failed');
        expect(done.hangup_reason.code).toBe('internal_error');
        expect(done.hangup_reason.message).toContain('secret key');
        expect(carrier.invites).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await carrier.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
