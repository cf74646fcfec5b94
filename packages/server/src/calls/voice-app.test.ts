import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tone, writeWav8k } from '../telephony/media/index.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { freeUdpPort, requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { eventually, explain, scenario } from '../test/call-fixtures.js';
import { pbxTrunk } from '../test/pbx-fixtures.js';

/**
 * Voice applications end to end: SIPp calls a number through a customer's SIP trunk, Prolope asks the
 * customer's application (a real HTTP server here) for instructions, signed per Standard Webhooks, and
 * runs them on the call. The application checks signatures with the official `standardwebhooks`
 * package, an implementation independent of ours.
 */
requireSipp('voice applications');

// standardwebhooks is a devDependency of @prolope/webhooks (pnpm does not hoist it to the server), so
// resolve it from there rather than add a dependency.
const requireFromWebhooks = createRequire(fileURLToPath(new URL('../../../webhooks/package.json', import.meta.url)));
const { Webhook } = requireFromWebhooks('standardwebhooks') as {
  Webhook: new (secret: string) => { verify(payload: string, headers: Record<string, string>): unknown };
};

interface AppRequest {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The customer's voice application: answers each path with a status and JSON, and keeps every request. */
async function voiceApplication(): Promise<{
  server: Server;
  base: string;
  requests: AppRequest[];
  routes: Map<string, { status: number; body: unknown }>;
}> {
  const requests: AppRequest[] = [];
  const routes = new Map<string, { status: number; body: unknown }>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] as string;
      requests.push({ path, method: req.method ?? '', headers: req.headers, body });
      const route = routes.get(path) ?? { status: 404, body: { error: 'no such route' } };
      if (Buffer.isBuffer(route.body)) res.writeHead(route.status, { 'content-type': 'audio/wav' }).end(route.body);
      else res.writeHead(route.status, { 'content-type': 'application/json' }).end(JSON.stringify(route.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { server, base: `http://127.0.0.1:${address.port}`, requests, routes };
}

/** Verifies a request as a customer would; throws when the signature does not match. */
function verified(secret: string, req: AppRequest): Record<string, unknown> {
  const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h] ?? '')]));
  new Webhook(secret).verify(req.body, headers);
  return JSON.parse(req.body) as Record<string, unknown>;
}

describe.skipIf(!SIPP).each(storeKinds)('voice applications (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let app: Awaited<ReturnType<typeof voiceApplication>>;
  let sipPort: number;
  let seq = 0;
  const password = 'pbx-Secret-2026';
  const username = `vapp-${kind}-${process.pid}`;
  const fresh = () => `+3592${8_200_000 + ++seq + (kind === 'postgres' ? 500 : 0)}`;
  let from: string;

  beforeAll(async () => {
    t = await startTestServer(kind);
    sipPort = t.server.sipPort as number;
    c = await t.customer();
    app = await voiceApplication();
    from = fresh();
    await buy(from);
    await pbxTrunk(c.api, { username, password, callerIds: [from] });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => app?.server.close(r));
  });

  async function buy(number: string): Promise<void> {
    const stock = await t.operator.post('/v1/number-inventory', {
      numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
    });
    expect(stock.status).toBe(201);
    expect((await c.api.post('/v1/numbers', { number })).status).toBe(201);
  }

  /** A new number of the account with this voice application; answers the signing secret the owner reads. */
  async function numberWithVoice(voice: Record<string, string>): Promise<{ number: string; secret: string }> {
    const number = fresh();
    await buy(number);
    expect((await c.api.patch(`/v1/numbers/${number}`, { voice })).status).toBe(200);
    const read = await c.api.get(`/v1/numbers/${number}`);
    return { number, secret: read.body.voice.signing_secret as string };
  }

  const auth = (service: string) => ['-au', username, '-ap', password, '-auth_uri', `${service}@127.0.0.1:${sipPort}`];
  const callTo = async (number: string) =>
    eventually(
      async () => ((await c.api.get('/v1/calls')).body.data as Array<Record<string, any>>).find((x) => x.to === number),
      (call) => call?.ended_at != null,
    );
  const eventsOf = async (callId: string) =>
    (await t.server.store.db.selectFrom('events').select(['type', 'payload']).where('object_id', '=', callId).orderBy('id').execute()).map((e) => ({
      type: e.type,
      data: JSON.parse(e.payload).data as Record<string, any>,
    }));

  it('asks the application (signed), runs a gather with a spoken prompt, posts the DTMF digits and runs the answer', async () => {
    const { number, secret } = await numberWithVoice({ url: `${app.base}/voice/gather` });
    expect(secret).toMatch(/^whsec_/);
    app.routes.set('/voice/gather', {
      status: 200,
      body: {
        instructions: [{ verb: 'gather', digits: 1, timeout_seconds: 5, action_url: `${app.base}/gathered`, prompt: { verb: 'say', text: 'Press one' } }],
      },
    });
    app.routes.set('/gathered', { status: 200, body: { instructions: [{ verb: 'say', text: 'You pressed one. Goodbye.' }, { verb: 'hangup' }] } });

    const run = await runSipp(scenario('voice-app-dtmf.xml'), number, sipPort, [...auth(number), '-set', 'from', from]);
    expect(run.code, explain(run)).toBe(0);

    const call = await callTo(number);
    expect(call).toMatchObject({ direction: 'inbound', from, to: number, status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
    expect(call?.duration_seconds).toBeGreaterThanOrEqual(1);

    const asked = app.requests.filter((r) => r.path === '/voice/gather');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.method).toBe('POST');
    // Asked before the answer, so the call is still in early media.
    expect(verified(secret, asked[0]!)).toEqual({ call_id: call?.id, account_id: c.accountId, from, to: number, direction: 'inbound', status: 'early_media' });
    const gathered = app.requests.filter((r) => r.path === '/gathered');
    expect(gathered).toHaveLength(1);
    expect(verified(secret, gathered[0]!)).toMatchObject({ call_id: call?.id, from, to: number, status: 'in_progress', digits: '1' });
    // A tampered body must not verify: the check above is a real one.
    expect(() => verified(secret, { ...gathered[0]!, body: gathered[0]!.body.replace('"1"', '"2"') })).toThrow();

    const events = await eventsOf(call?.id as string);
    expect(events.map((e) => e.type)).toEqual(['call.initiated', 'call.answered', 'call.dtmf', 'call.gather.completed', 'call.completed']);
    expect(events[2]?.data).toMatchObject({ digit: '1', object: { id: call?.id } });
    expect(events[3]?.data).toMatchObject({ digits: '1', object: { id: call?.id, status: 'in_progress' } });
  });

  it('falls back to fallback_url when the primary URL fails, and plays a WAV it names', async () => {
    const { number, secret } = await numberWithVoice({ url: `${app.base}/voice/broken`, fallback_url: `${app.base}/voice/fallback` });
    app.routes.set('/voice/broken', { status: 500, body: { error: 'down' } });
    app.routes.set('/voice/fallback', {
      status: 200,
      body: [
        { verb: 'say', text: 'Fallback here.' },
        { verb: 'pause', seconds: 0.2 },
        { verb: 'play', url: `${app.base}/beep.wav`, loop: 2 },
      ],
    });
    app.routes.set('/beep.wav', { status: 200, body: writeWav8k(tone(440, 300)) });

    const run = await runSipp(scenario('inbound-greeting.xml'), number, sipPort, [
      ...auth(number),
      '-set',
      'from',
      from,
      '-set',
      'rtpport',
      String(await freeUdpPort()),
      '-set',
      'codec',
      '8',
    ]);
    expect(run.code, explain(run)).toBe(0);
    const call = await callTo(number);
    expect(call).toMatchObject({ status: 'completed', hangup_by: 'callee', hangup_cause: 'normal' });
    const paths = app.requests.filter((r) => ['/voice/broken', '/voice/fallback', '/beep.wav'].includes(r.path));
    expect(paths.map((r) => r.path)).toEqual(['/voice/broken', '/voice/fallback', '/beep.wav']);
    expect(verified(secret, paths[1]!)).toMatchObject({ call_id: call?.id });
  });

  it('refuses the call with 486 when the application answers reject busy, and the call ends busy', async () => {
    const { number } = await numberWithVoice({ url: `${app.base}/voice/busy` });
    app.routes.set('/voice/busy', { status: 200, body: { instructions: [{ verb: 'reject', reason: 'busy' }] } });

    const run = await runSipp(scenario('voice-app-reject-486.xml'), number, sipPort, [...auth(number), '-set', 'from', from]);
    expect(run.code, explain(run)).toBe(0);
    const call = await callTo(number);
    expect(call).toMatchObject({ status: 'busy', sip_code: 486, hangup_by: 'callee', hangup_cause: 'rejected', answered_at: null, duration_seconds: 0 });
    expect((await eventsOf(call?.id as string)).map((e) => e.type)).toEqual(['call.initiated', 'call.completed']);
  });

  it('apologises and hangs up when neither URL gives valid instructions', async () => {
    const { number } = await numberWithVoice({ url: `${app.base}/voice/invalid`, fallback_url: `${app.base}/voice/missing` });
    app.routes.set('/voice/invalid', { status: 200, body: { instructions: [{ verb: 'dial', number: '+359888123456' }] } });

    const run = await runSipp(scenario('inbound-greeting.xml'), number, sipPort, [
      ...auth(number),
      '-set',
      'from',
      from,
      '-set',
      'rtpport',
      String(await freeUdpPort()),
      '-set',
      'codec',
      '8',
    ]);
    expect(run.code, explain(run)).toBe(0);
    expect(await callTo(number)).toMatchObject({ status: 'completed', hangup_by: 'callee' });
    expect(app.requests.filter((r) => r.path === '/voice/invalid' || r.path === '/voice/missing').map((r) => r.path)).toEqual([
      '/voice/invalid',
      '/voice/missing',
    ]);
  });
});
