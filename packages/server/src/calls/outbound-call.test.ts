import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { freeUdpPort, requireSipp, SIPP, startSippUas } from '../test/sipp.js';
import { eventually, explain, rtpSink, scenario } from '../test/call-fixtures.js';

/**
 * Outbound calls end to end: `POST /v1/calls`, Prolope's UAC sends the INVITE to a carrier played by
 * SIPp (a real, independent SIP implementation), which checks the Request-URI carries the full E.164
 * number, answers with PCMA towards a UDP socket this test owns, and receives Prolope's BYE after the
 * prompt. The call row must end as a CDR with its events.
 */
requireSipp('outbound calls');

// The official Standard Webhooks package checks the signatures (a devDependency of packages/webhooks).
const { Webhook } = createRequire(new URL('../../../webhooks/package.json', import.meta.url))('standardwebhooks') as {
  Webhook: new (secret: string) => { verify(payload: string, headers: Record<string, string>): unknown };
};

/** A UDP socket standing in for the carrier's media: keeps the RTP header of every packet. */
describe.skipIf(!SIPP).each(storeKinds)('outbound calls (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let carrierPort: number;
  let seq = 0;
  const fresh = () => `+3592${8_600_000 + ++seq + (kind === 'postgres' ? 500 : 0)}`;
  let from: string;

  beforeAll(async () => {
    carrierPort = await freeUdpPort();
    t = await startTestServer(kind, {
      config: { carrierUri: `sip:127.0.0.1:${carrierPort}`, carrierUsername: 'carrier-user', carrierPassword: 'carrier-Pass-1' },
    });
    c = await t.customer();
    from = fresh();
    await buy(c, from);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function buy(customer: typeof c, number: string): Promise<void> {
    const stock = await t.operator.post('/v1/number-inventory', {
      numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
    });
    expect(stock.status).toBe(201);
    expect((await customer.api.post('/v1/numbers', { number })).status).toBe(201);
  }

  const ended = (id: string) =>
    eventually(
      async () => (await c.api.get(`/v1/calls/${id}`)).body as Record<string, any>,
      (call) => call.ended_at != null,
    );
  const eventTypes = async (callId: string) =>
    (await t.server.store.db.selectFrom('events').select(['type']).where('object_id', '=', callId).orderBy('id').execute()).map((e) => e.type);

  it('carries the full E.164 number in the Request-URI, is answered, plays the prompt in PCMA 20 ms, hangs up and keeps a CDR', async () => {
    const to = '+35929990001';
    const media = await rtpSink();
    try {
      const uas = await startSippUas(scenario('outbound-uas.xml'), ['-set', 'rtpport', String(media.port), '-set', 'touser', to], carrierPort);
      const res = await c.api.post('/v1/calls', { from, to, instructions: [{ verb: 'say', text: 'Hello from Prolope.' }] });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ direction: 'outbound', from, to, status: 'queued', answered_at: null });
      const run = await uas.done;
      expect(run.code, explain(run)).toBe(0);

      const call = await ended(res.body.id);
      expect(call).toMatchObject({ status: 'completed', sip_code: 200, hangup_by: 'caller', hangup_cause: 'normal', phone_number_id: expect.any(String) });
      expect(call.answered_at).not.toBeNull();
      expect(call.duration_seconds).toBeGreaterThanOrEqual(1);
      expect(await eventTypes(call.id)).toEqual(['call.initiated', 'call.ringing', 'call.answered', 'call.completed']);

      // About a second of speech: all PCMA, and within a talkspurt each packet 160 samples (20 ms) on.
      expect(media.packets.length).toBeGreaterThan(25);
      expect(new Set(media.packets.map((p) => p.pt))).toEqual(new Set([8]));
      for (let i = 1; i < media.packets.length; i++) {
        const [a, b] = [media.packets[i - 1]!, media.packets[i]!];
        if (b.seq === ((a.seq + 1) & 0xffff) && !b.marker) expect((b.ts - a.ts) >>> 0).toBe(160);
      }
    } finally {
      media.socket.close();
    }
  });

  it('ends busy when the callee answers 486 (and ACKs it)', async () => {
    const uas = await startSippUas(scenario('outbound-uas-busy.xml'), [], carrierPort);
    const res = await c.api.post('/v1/calls', { from, to: '029990002', instructions: [{ verb: 'say', text: 'Never heard.' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.to).toBe('+35929990002');
    const run = await uas.done;
    expect(run.code, explain(run)).toBe(0);
    const call = await ended(res.body.id);
    expect(call).toMatchObject({
      status: 'busy',
      sip_code: 486,
      answered_at: null,
      duration_seconds: 0,
      hangup_by: 'callee',
      hangup_reason: { code: 'busy', message: 'the callee is busy (486 Busy Here)' },
    });
    expect(await eventTypes(call.id)).toEqual(['call.initiated', 'call.completed']);
  });

  it('places a call once for a POST /v1/calls retried with the same Idempotency-Key (the call is written through the claim)', async () => {
    const uas = await startSippUas(scenario('outbound-uas-busy.xml'), [], carrierPort);
    const body = { from, to: '+35929990009', instructions: [{ verb: 'hangup' }] };
    const headers = { 'idempotency-key': `outbound-once-${kind}` };
    const first = await c.api.post('/v1/calls', body, { headers });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await c.api.post('/v1/calls', body, { headers });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const run = await uas.done;
    expect(run.code, explain(run)).toBe(0);
    await ended(first.body.id);
    const rows = await t.server.store.db.selectFrom('calls').select('id').where('to', '=', '+35929990009').execute();
    expect(rows.map((r) => r.id)).toEqual([first.body.id]);
    const claim = await t.server.store.db.selectFrom('idempotency_keys').selectAll().where('key', '=', `outbound-once-${kind}`).executeTakeFirst();
    expect(claim).toBeDefined();
  });

  it('rings out its timeout_seconds, then CANCELs (487 ACKed) and ends no_answer', async () => {
    const uas = await startSippUas(scenario('outbound-uas-no-answer.xml'), [], carrierPort);
    const res = await c.api.post('/v1/calls', { from, to: '+35929990007', timeout_seconds: 5, instructions: [{ verb: 'say', text: 'Never heard.' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const run = await uas.done;
    expect(run.code, explain(run)).toBe(0);
    const call = await ended(res.body.id);
    expect(call).toMatchObject({
      status: 'no_answer',
      sip_code: 408,
      answered_at: null,
      hangup_by: 'system',
      hangup_cause: 'canceled',
      hangup_reason: { code: 'no_answer', message: 'no answer within 5 s (timeout_seconds)' },
    });
  }, 20_000);

  it('answers a carrier digest challenge (401) once with valid credentials and gets through', async () => {
    const media = await rtpSink();
    try {
      const uas = await startSippUas(scenario('outbound-uas-digest.xml'), ['-set', 'rtpport', String(media.port)], carrierPort);
      const res = await c.api.post('/v1/calls', { from, to: '+35929990003', instructions: [{ verb: 'say', text: 'Authenticated.' }] });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const run = await uas.done;
      expect(run.code, explain(run)).toBe(0);
      const call = await ended(res.body.id);
      expect(call).toMatchObject({ status: 'completed', sip_code: 200 });
      expect(media.packets.length).toBeGreaterThan(0);
    } finally {
      media.socket.close();
    }
  });

  it('goes to the PBX of sip_trunk_id (its allowed IP, UDP 5060) instead of the carrier', async () => {
    // A loopback address of its own, so SIPp can take port 5060 there.
    const pbx = `127.0.${(process.pid % 200) + 20}.${kind === 'postgres' ? 2 : 1}`;
    const trunk = await c.api.post('/v1/sip-trunks', {
      name: 'Office PBX',
      allowed_ips: [pbx],
      allowed_caller_ids: [from],
      credentials: { username: `out-${kind}-${process.pid}`, password: 'pbx-Secret-2026' },
    });
    expect(trunk.status, JSON.stringify(trunk.body)).toBe(201);
    const uas = await startSippUas(scenario('outbound-uas-busy.xml'), [], 5060, pbx);
    const res = await c.api.post('/v1/calls', { from, to: '+35929990008', sip_trunk_id: trunk.body.id, instructions: [{ verb: 'hangup' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.sip_trunk_id).toBe(trunk.body.id);
    const call = await ended(res.body.id);
    const run = await uas.done;
    expect(run.code, `${JSON.stringify(call)}\n${explain(run)}`).toBe(0);
    expect(call).toMatchObject({ status: 'busy', sip_code: 486 });
    const unknown = await c.api.post('/v1/calls', { from, to: '+35929990008', sip_trunk_id: 'trk_nope', instructions: [{ verb: 'hangup' }] });
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({ code: 'invalid_reference', param: '/body/sip_trunk_id' });
  });

  it('refuses a caller ID the account does not hold, a call without exactly one of instructions and url, and hides calls of other accounts', async () => {
    const other = await t.customer();
    const theirs = fresh();
    await buy(other, theirs);
    const notOwned = await c.api.post('/v1/calls', { from: theirs, to: '+35929990004', instructions: [{ verb: 'hangup' }] });
    expect(notOwned.status).toBe(422);
    expect(notOwned.body).toMatchObject({ code: 'caller_id_not_owned', param: '/body/from' });

    const both = await c.api.post('/v1/calls', { from, to: '+35929990004', instructions: [{ verb: 'hangup' }], url: 'https://example.com/voice' });
    expect(both.status).toBe(400);
    const neither = await c.api.post('/v1/calls', { from, to: '+35929990004' });
    expect(neither.status).toBe(400);

    const uas = await startSippUas(scenario('outbound-uas-busy.xml'), [], carrierPort);
    const mine = await c.api.post('/v1/calls', { from, to: '+35929990005', instructions: [{ verb: 'hangup' }] });
    expect(mine.status).toBe(201);
    await uas.done;
    expect((await other.api.get(`/v1/calls/${mine.body.id}`)).status).toBe(404);
    await ended(mine.body.id);
  });

  it('answers no_route when neither a carrier nor a trunk is configured', async () => {
    const bare = await startTestServer(kind, { config: { sipEnabled: false } });
    try {
      const cust = await bare.customer();
      const number = fresh();
      expect(
        (
          await bare.operator.post('/v1/number-inventory', {
            numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
          })
        ).status,
      ).toBe(201);
      expect((await cust.api.post('/v1/numbers', { number })).status).toBe(201);
      const res = await cust.api.post('/v1/calls', { from: number, to: '+35929990006', instructions: [{ verb: 'hangup' }] });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('no_route');
      expect(res.body.detail).toContain('PROLOPE_CARRIER_URI');
    } finally {
      await bare.close();
    }
  });

  it("tells status_callback_url about each status change, in order and signed with the caller ID's voice secret", async () => {
    const received: Array<{ body: string; headers: Record<string, string> }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => {
        body += d.toString();
      });
      req.on('end', () => {
        received.push({ body, headers: req.headers as Record<string, string> });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as { port: number }).port;
    try {
      const caller = fresh();
      await buy(c, caller);
      const voice = await c.api.patch(`/v1/numbers/${caller}`, { voice: { url: 'https://example.com/voice' } });
      const secret = voice.body.voice.signing_secret as string;
      const to = '+35929990011';
      const media = await rtpSink();
      const uas = await startSippUas(scenario('outbound-uas.xml'), ['-set', 'rtpport', String(media.port), '-set', 'touser', to], carrierPort);
      const res = await c.api.post('/v1/calls', {
        from: caller,
        to,
        instructions: [{ verb: 'say', text: 'Status.' }],
        status_callback_url: `http://127.0.0.1:${port}/status`,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect((await uas.done).code).toBe(0);
      media.socket.close();
      await ended(res.body.id);
      // The outbox delivers them; the test server's worker sends when told.
      await t.server.deliveries.tick();
      const events = received.map((r) => JSON.parse(r.body));
      expect(events.map((e) => e.type)).toEqual(['call.initiated', 'call.ringing', 'call.answered', 'call.completed']);
      expect(events.every((e) => e.data.object.id === res.body.id)).toBe(true);
      const wh = new Webhook(secret);
      for (const r of received) expect(() => wh.verify(r.body, r.headers)).not.toThrow();
      expect(events.map((e) => e.id)).toEqual(
        (await t.server.store.db.selectFrom('events').select(['id']).where('object_id', '=', res.body.id).orderBy('id').execute()).map((e) => e.id),
      );

      // Only the statuses asked for.
      received.length = 0;
      const busy = await startSippUas(scenario('outbound-uas-busy.xml'), [], carrierPort);
      const only = await c.api.post('/v1/calls', {
        from: caller,
        to: '+35929990012',
        instructions: [{ verb: 'hangup' }],
        status_callback_url: `http://127.0.0.1:${port}/status`,
        status_callback_events: ['completed'],
      });
      await busy.done;
      await ended(only.body.id);
      await t.server.deliveries.tick();
      expect(received.map((r) => JSON.parse(r.body).data.object.status)).toEqual(['busy']);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});
