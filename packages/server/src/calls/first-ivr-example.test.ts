import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeTestCall } from '../telephony/test-caller/index.js';
import { eventually, explain, rtpSink, scenario } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { pbxTrunk } from '../test/pbx-fixtures.js';
import { freeUdpPort, requireSipp, runSipp, SIPP, startSippUas } from '../test/sipp.js';

/**
 * The "first IVR in 5 minutes" of docs/voice.md, as a user runs it: examples/first-ivr/server.js in a
 * process of its own (with the built @prolope/sdk and @prolope/webhooks it imports), a number whose
 * voice application it is, and real SIP calls into Prolope. The example verifies every request with the
 * number's signing secret and logs `<call_id> <path> <digits or recording>` for each, which is how this
 * test sees that the digits reached it; the calls, legs, recordings and events come from the API and
 * the store.
 */
requireSipp('the first IVR example');

const root = new URL('../../../../', import.meta.url);
const example = fileURLToPath(new URL('examples/first-ivr/server.js', root));
const built = ['packages/sdk/dist/index.js', 'packages/webhooks/dist/index.js'].every((f) => existsSync(new URL(f, root)));

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (!address || typeof address === 'string') throw new Error('no address');
  return address.port;
}

/**
 * Runs the example as `node server.js` and resolves once it listens; `lines` collects what it prints,
 * and `printed(test)` resolves once a line passes the test (output arrives through a pipe, so after
 * the HTTP answer that followed it).
 */
async function startExample(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; lines: string[]; printed: (test: (line: string) => boolean) => Promise<void> }> {
  const child = spawn(process.execPath, [example], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  const onData = (d: Buffer) => {
    buffered += d.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the example exited (${code}) before listening:\n${lines.join('\n')}${buffered}`)));
    const check = () => (lines.some((l) => l.startsWith('First IVR listening on')) ? resolve() : undefined);
    child.stdout?.on('data', check);
  });
  const printed = (test: (line: string) => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!lines.some(test)) return;
        child.stdout?.off('data', check);
        child.stderr?.off('data', check);
        resolve();
      };
      child.stdout?.on('data', check);
      child.stderr?.on('data', check);
      check();
    });
  return { child, lines, printed };
}

describe.skipIf(!SIPP).each(storeKinds)('examples/first-ivr against a real server and SIP calls (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let app: Awaited<ReturnType<typeof startExample>>;
  let sipPort: number;
  let carrierPort: number;
  let number: string;
  let from: string;
  let publicUrl: string;
  const sales = kind === 'postgres' ? '+35929990302' : '+35929990202';
  const password = 'pbx-Secret-2026';
  const username = `ivr-${kind}-${process.pid}`;
  let seq = 0;
  const fresh = () => `+3592${8_900_000 + ++seq + (kind === 'postgres' ? 500 : 0)}`;

  beforeAll(async () => {
    if (!built) throw new Error('examples/first-ivr imports the built packages: run `pnpm build` first');
    carrierPort = await freeUdpPort();
    t = await startTestServer(kind, { config: { carrierUri: `sip:127.0.0.1:${carrierPort}` } });
    sipPort = t.server.sipPort as number;
    c = await t.customer();
    from = fresh();
    number = fresh();
    for (const n of [from, number]) {
      const stock = await t.operator.post('/v1/number-inventory', {
        numbers: [{ number: n, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
      });
      expect(stock.status).toBe(201);
      expect((await c.api.post('/v1/numbers', { number: n })).status).toBe(201);
    }
    await pbxTrunk(c.api, { username, password, callerIds: [from] });

    // The walkthrough's steps: point the number at the app, read its signing secret, start the app.
    publicUrl = `http://127.0.0.1:${await freeTcpPort()}`;
    expect((await c.api.patch(`/v1/numbers/${number}`, { voice: { url: `${publicUrl}/voice` } })).status).toBe(200);
    const secret = (await c.api.get(`/v1/numbers/${number}`)).body.voice.signing_secret as string;
    app = await startExample({ PORT: new URL(publicUrl).port, PUBLIC_URL: publicUrl, VOICE_SIGNING_SECRET: secret, SALES_NUMBER: sales });
  });
  afterAll(async () => {
    app?.child.kill();
    await t?.close();
  });

  /** What the example logged about one call, in order. */
  const logged = (callId: string) => app.lines.filter((l) => l.startsWith(`${callId} `)).map((l) => l.trim());
  const endedCall = (sipCallId: (call: Record<string, any>) => boolean) =>
    eventually(
      async () => ((await c.api.get('/v1/calls')).body.data as Array<Record<string, any>>).find(sipCallId),
      (call) => call?.ended_at != null,
    );
  const eventsOf = async (callId: string) =>
    (await t.server.store.db.selectFrom('events').select(['type', 'payload']).where('object_id', '=', callId).orderBy('id').execute()).map((e) => ({
      type: e.type,
      data: JSON.parse(e.payload).data as Record<string, any>,
    }));

  it('press 1: the digit reaches the app (signed), and its answer dials sales', async () => {
    const sink = await rtpSink();
    try {
      // The carrier answers the sales leg, talks a second and hangs up; then the caller is hung up.
      const carrier = await startSippUas(scenario('outbound-uas-hangup.xml'), ['-set', 'rtpport', String(sink.port), '-d', '1000'], carrierPort);
      const caller = await runSipp(scenario('voice-app-dtmf.xml'), number, sipPort, [
        ...['-au', username, '-ap', password, '-auth_uri', `${number}@127.0.0.1:${sipPort}`],
        ...['-set', 'from', from],
      ]);
      expect(caller.code, explain(caller)).toBe(0);
      const leg = await carrier.done;
      expect(leg.code, explain(leg)).toBe(0);
    } finally {
      sink.socket.close();
    }

    const call = await endedCall((x) => x.to === number && x.direction === 'inbound' && x.parent_call_id === null);
    expect(call).toMatchObject({ from, status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
    expect(logged(call?.id)).toEqual([`${call?.id} /voice`, `${call?.id} /menu 1`]);

    const legs = (await c.api.get(`/v1/calls?parent_call_id=${call?.id}`)).body.data as Array<Record<string, any>>;
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({ direction: 'outbound', from: number, to: sales, parent_call_id: call?.id, status: 'completed', sip_code: 200 });

    const events = await eventsOf(call?.id);
    expect(events.find((e) => e.type === 'call.gather.completed')?.data).toMatchObject({ digits: '1' });
  });

  it('press 9 then 2: a wrong key replays the menu, then support records a message and the app gets it', async () => {
    const result = await placeTestCall({ host: '127.0.0.1', port: sipPort, to: number, from, username, password, press: '9,2', maxDurationMs: 60_000 });
    expect(result).toMatchObject({ answered: true, status: 200, dtmfSent: ['9', '2'], mediaProblems: [] });
    // Prolope hung up after "Thank you ... Goodbye": the instructions ran to their end.
    expect(result.end).toMatchObject({ by: 'remote' });

    const call = await endedCall((x) => x.sip_call_id === result.callId);
    expect(call).toMatchObject({ to: number, from, status: 'completed', hangup_by: 'callee' });

    const recordings = (await c.api.get(`/v1/recordings?call_id=${call?.id}`)).body.data as Array<Record<string, any>>;
    expect(recordings).toHaveLength(1);
    const recording = recordings[0] as Record<string, any>;
    expect(recording.id).toMatch(/^rec_/);
    // The key pressed during "Sorry, that is not an option" counts for the replayed menu (type-ahead).
    expect(logged(call?.id)).toEqual([
      `${call?.id} /voice`,
      `${call?.id} /menu 9`,
      `${call?.id} /voice`,
      `${call?.id} /menu 2`,
      `${call?.id} /voicemail ${recording.id}`,
    ]);
    const types = (await eventsOf(call?.id)).map((e) => e.type);
    expect(types.filter((type) => type === 'call.gather.completed')).toHaveLength(2);
    // That event is about the recording (its data.object), which names the call.
    expect((await eventsOf(recording.id)).map((e) => [e.type, e.data.object?.call_id])).toEqual([['call.recording.completed', call?.id]]);
  });

  it('refuses a request that Prolope did not sign, and logs why', async () => {
    const forged = JSON.stringify({
      call_id: 'call_forged',
      account_id: c.accountId,
      from,
      to: number,
      direction: 'inbound',
      status: 'in_progress',
      digits: '1',
    });
    const res = await fetch(`${publicUrl}/menu`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,Zm9yZ2Vk',
      },
      body: forged,
    });
    expect(res.status).toBe(401);
    expect(logged('call_forged')).toEqual([]);
    // Resolves once the example has printed why (the test times out otherwise).
    await app.printed((l) => l.startsWith('No signature in the webhook-signature header matches'));
  });
});
