import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { Prolope } from '@prolope/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { exitCodes } from '../errors.js';
import { startCli } from '../testing/live-cli.js';
import { runCli } from '../testing/run-cli.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { deliveryLine, forwardTarget } from './listen-forward.js';

/**
 * The local loop end to end: a real server in this process, `prolope listen` forwarding to a real
 * HTTP receiver, `prolope trigger` making the event, and the delivery verified with the official
 * `standardwebhooks` package. On Node.js 20 (no global WebSocket) the SDK loads `ws`, the CLI's dependency.
 */
const fromWebhooks = createRequire(new URL('../../../webhooks/package.json', import.meta.url));
const { Webhook } = fromWebhooks('standardwebhooks') as {
  Webhook: new (secret: string) => { verify(payload: string, headers: Record<string, string>): unknown };
};

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local app: records each POST and answers 200 once `release()` is called for it. */
async function receiver(): Promise<{ url: string; next(): Promise<Received>; release(): void; close(): Promise<void> }> {
  const queue: Received[] = [];
  const waiting: Array<(r: Received) => void> = [];
  const held: Array<() => void> = [];
  let released = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      const record = { path: req.url ?? '', headers: req.headers, body };
      const waiter = waiting.shift();
      if (waiter) waiter(record);
      else queue.push(record);
      const answer = () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      if (released > 0) {
        released--;
        answer();
      } else held.push(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    next: () => new Promise((resolve) => (queue.length > 0 ? resolve(queue.shift() as Received) : waiting.push(resolve))),
    release: () => {
      const answer = held.shift();
      if (answer) answer();
      else released++;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let t: TestServer;
let env: Record<string, string>;
let app: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  t = await startTestServer();
  app = await receiver();
  const operator = new Prolope({ apiKey: t.operatorKey, baseUrl: t.url });
  const account = await operator.accounts.create({
    name: 'Listen Ltd',
    legal_entity: { type: 'company', legal_name: 'Listen Ltd', country: 'BG', registration_number: '123456789' },
    signatory: { name: 'Ana Petrova', email: 'ana@example.com', confirms_age_18_or_over: true, confirms_authority: true },
  });
  env = { PROLOPE_API_KEY: account.initial_api_key.secret, PROLOPE_BASE_URL: t.url };
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

describe('prolope listen + prolope trigger', () => {
  test('the local app gets the triggered event, signed with the printed secret, and listen prints the delivery', async () => {
    const live = startCli(['listen', '--forward-to', `${app.url}/hooks`, '--events', 'call.*'], env);
    const [, secret, target] = await live.waitFor(/Ready! Your webhook signing secret is (whsec_\S+) \(forwarding to (\S+)\)/);
    expect(target).toBe(`${app.url}/hooks`);

    // Filtered out by --events; the call event after it is the first thing the app gets.
    expect((await runCli(['trigger', 'number.purchased'], env)).exitCode).toBe(0);
    // The app holds its answer until trigger has finished, so listen's line lands in listen's own output.
    const triggered = await runCli(['trigger', 'call.completed', '--override', 'data.object.to=+35929000001', '--json'], env);
    expect(triggered.exitCode, triggered.stderr).toBe(0);
    const event = triggered.json<{ id: string; type: string; data: { object: { to: string } } }>();
    expect(event.data.object.to).toBe('+35929000001');

    const delivery = await app.next();
    app.release();
    expect(delivery.path).toBe('/hooks');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['webhook-id']).toBe(event.id);
    const verified = new Webhook(secret as string).verify(delivery.body, {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    });
    expect(verified).toEqual(event);

    await live.waitFor(new RegExp(`call\\.completed  ${event.id}  → 200 in \\d+ ms`));
    const result = await live.stop();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  call\\.completed  ${event.id}  → 200 in \\d+ ms$`, 'm'));
    expect(result.stdout).not.toContain('number.purchased');
    expect(result.stderr).toContain('Stopped.');
  });

  test('--json prints the ready line and one JSON line per delivery; --secret signs with a given secret', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const live = startCli(['listen', '--forward-to', `${app.url}/json`, '--secret', secret, '--json'], env);
    await live.waitFor(/"status":"ready"/);
    const event = (await runCli(['trigger', 'call.answered', '--json'], env)).json<{ id: string }>();
    const delivery = await app.next();
    app.release();
    expect(new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>)).toMatchObject({ id: event.id });
    await live.waitFor(new RegExp(`"event_id":"${event.id}"`));
    const lines = (await live.stop()).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ object: 'listen', status: 'ready', secret, forward_to: `${app.url}/json` });
    expect(lines[1]).toMatchObject({ object: 'delivery', event_id: event.id, type: 'call.answered', status: 200, error: null });
  });

  test('an app that is down shows as an error line, and bad flags are usage errors', async () => {
    const closed = await receiver();
    await closed.close();
    const live = startCli(['listen', '--forward-to', `${closed.url}/hooks`], env);
    await live.waitFor(/Ready!/);
    const event = (await runCli(['trigger', 'call.dtmf', '--json'], env)).json<{ id: string }>();
    await live.waitFor(new RegExp(`call\\.dtmf  ${event.id}  → error: ECONNREFUSED after \\d+ ms`));
    expect((await live.stop()).exitCode).toBe(0);

    expect((await runCli(['listen', '--forward-to', 'localhost:4000/hooks'], env)).stderr).toContain('http://localhost:4000/hooks');
    expect((await runCli(['listen', '--forward-to', 'http://x', '--secret', 'pk_live_nope'], env)).exitCode).toBe(exitCodes.usage);
    const noKey = await runCli(['listen', '--forward-to', 'http://x'], { ...env, PROLOPE_API_KEY: 'pk_live_notarealkey0000000' });
    expect(noKey.exitCode).toBe(exitCodes.auth);
  });

  test('line and target helpers', () => {
    expect(() => forwardTarget('ftp://x')).toThrow('http(s) URL');
    const line = deliveryLine(
      { object: 'delivery', event_id: 'evt_1', type: 'call.completed', status: 204, latency_ms: 7, error: null },
      new Date(2026, 0, 1, 9, 5, 7),
    );
    expect(line).toBe('09:05:07  call.completed  evt_1  → 204 in 7 ms');
  });
});

describe('prolope trigger', () => {
  test('reads override values as JSON when they parse, else as text, and reports API refusals', async () => {
    const res = await runCli(
      ['trigger', 'call.completed', '--override', 'data.object.to=+35929000002', '--override', 'data.object.duration_seconds=42', '--json'],
      env,
    );
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.json()).toMatchObject({
      object: 'event',
      type: 'call.completed',
      triggered: true,
      data: { object: { to: '+35929000002', duration_seconds: 42 } },
    });

    const human = await runCli(['trigger', 'call.initiated'], env);
    expect(human.stdout).toMatch(/^Triggered call\.initiated evt_\w+ \(call call_\w+\)$/m);

    expect((await runCli(['trigger', 'call.completed', '--override', 'no-equals'], env)).exitCode).toBe(exitCodes.usage);
    const unknown = await runCli(['trigger', 'call.exploded', '--json'], env);
    expect(unknown.exitCode).toBe(exitCodes.error);
    expect(unknown.errorJson().error.api?.code).toBe('unknown_event_type');
  });
});
