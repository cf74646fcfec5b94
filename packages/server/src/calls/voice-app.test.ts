import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { tone, writeWav8k } from '../telephony/media/index.js';
import { storeKinds, type TestServer } from '../test/harness.js';
import { type AppRequest, type CallSuite, callSuite, reply } from '../test/call-suite.js';
import { freeUdpPort, requireSipp, runSipp, SIPP } from '../test/sipp.js';
import { eventually, explain, scenario } from '../test/call-fixtures.js';

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

/** Verifies a request as a customer would; throws when the signature does not match. */
function verified(secret: string, req: AppRequest): Record<string, unknown> {
  const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(req.headers[h] ?? '')]));
  new Webhook(secret).verify(req.raw, headers);
  return JSON.parse(req.raw) as Record<string, unknown>;
}

describe.skipIf(!SIPP).each(storeKinds)('voice applications (%s)', (kind) => {
  const suite = callSuite(kind, { name: 'vapp', numberBase: 8_200_000 });
  const { buy, fresh, auth } = suite;
  let t: TestServer;
  let c: CallSuite['c'];
  let app: CallSuite['app'];
  let sipPort: number;
  let from: string;
  beforeAll(() => ({ t, c, app, sipPort, from } = suite));

  /** A new number of the account with this voice application; answers the signing secret the owner reads. */
  async function numberWithVoice(voice: Record<string, string>): Promise<{ number: string; secret: string }> {
    const number = fresh();
    await buy(number);
    expect((await c.api.patch(`/v1/numbers/${number}`, { voice })).status).toBe(200);
    const read = await c.api.get(`/v1/numbers/${number}`);
    return { number, secret: read.body.voice.signing_secret as string };
  }

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
      instructions: [{ verb: 'gather', digits: 1, timeout_seconds: 5, action_url: `${app.base}/gathered`, prompt: { verb: 'say', text: 'Press one' } }],
    });
    app.routes.set('/gathered', { instructions: [{ verb: 'say', text: 'You pressed one. Goodbye.' }, { verb: 'hangup' }] });

    const run = await runSipp(scenario('voice-app-dtmf.xml'), number, sipPort, auth(number));
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
    expect(() => verified(secret, { ...gathered[0]!, raw: gathered[0]!.raw.replace('"1"', '"2"') })).toThrow();

    const events = await eventsOf(call?.id as string);
    expect(events.map((e) => e.type)).toEqual(['call.initiated', 'call.answered', 'call.dtmf', 'call.gather.completed', 'call.completed']);
    expect(events[2]?.data).toMatchObject({ digit: '1', object: { id: call?.id } });
    expect(events[3]?.data).toMatchObject({ digits: '1', object: { id: call?.id, status: 'in_progress' } });
  });

  it('falls back to fallback_url when the primary URL fails, and plays a WAV it names', async () => {
    const { number, secret } = await numberWithVoice({ url: `${app.base}/voice/broken`, fallback_url: `${app.base}/voice/fallback` });
    app.routes.set('/voice/broken', reply(500, { error: 'down' }));
    app.routes.set('/voice/fallback', [
      { verb: 'say', text: 'Fallback here.' },
      { verb: 'pause', seconds: 0.2 },
      { verb: 'play', url: `${app.base}/beep.wav`, loop: 2 },
    ]);
    app.routes.set('/beep.wav', writeWav8k(tone(440, 300)));

    const run = await runSipp(scenario('inbound-greeting.xml'), number, sipPort, auth(number, { rtpport: await freeUdpPort(), codec: '8' }));
    expect(run.code, explain(run)).toBe(0);
    const call = await callTo(number);
    expect(call).toMatchObject({ status: 'completed', hangup_by: 'callee', hangup_cause: 'normal' });
    const paths = app.requests.filter((r) => ['/voice/broken', '/voice/fallback', '/beep.wav'].includes(r.path));
    expect(paths.map((r) => r.path)).toEqual(['/voice/broken', '/voice/fallback', '/beep.wav']);
    expect(verified(secret, paths[1]!)).toMatchObject({ call_id: call?.id });
  });

  it('refuses the call with 486 when the application answers reject busy, and the call ends busy', async () => {
    const { number } = await numberWithVoice({ url: `${app.base}/voice/busy` });
    app.routes.set('/voice/busy', { instructions: [{ verb: 'reject', reason: 'busy' }] });

    const run = await runSipp(scenario('voice-app-reject-486.xml'), number, sipPort, auth(number));
    expect(run.code, explain(run)).toBe(0);
    const call = await callTo(number);
    expect(call).toMatchObject({ status: 'busy', sip_code: 486, hangup_by: 'callee', hangup_cause: 'rejected', answered_at: null, duration_seconds: 0 });
    expect((await eventsOf(call?.id as string)).map((e) => e.type)).toEqual(['call.initiated', 'call.completed']);
  });

  it('apologises and hangs up when neither URL gives valid instructions', async () => {
    const { number } = await numberWithVoice({ url: `${app.base}/voice/invalid`, fallback_url: `${app.base}/voice/missing` });
    app.routes.set('/voice/invalid', { instructions: [{ verb: 'dial', number: '+359888123456' }] });

    const run = await runSipp(scenario('inbound-greeting.xml'), number, sipPort, auth(number, { rtpport: await freeUdpPort(), codec: '8' }));
    expect(run.code, explain(run)).toBe(0);
    expect(await callTo(number)).toMatchObject({ status: 'completed', hangup_by: 'callee' });
    expect(app.requests.filter((r) => r.path === '/voice/invalid' || r.path === '/voice/missing').map((r) => r.path)).toEqual([
      '/voice/invalid',
      '/voice/missing',
    ]);
  });
});
