import { Prolope } from '@prolope/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCli } from '../testing/live-cli.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { connectionNote } from './live-common.js';
import { logLine, matchesEvents } from './logs-tail.js';

/**
 * `prolope logs tail` against a real server in this process; requests are made with the SDK so the
 * only output captured is the tail's.
 */

let t: TestServer;
let env: Record<string, string>;
let customer: Prolope;

beforeAll(async () => {
  t = await startTestServer();
  const operator = new Prolope({ apiKey: t.operatorKey, baseUrl: t.url });
  const account = await operator.accounts.create({
    name: 'Tail Ltd',
    legal_entity: { type: 'company', legal_name: 'Tail Ltd', country: 'BG', registration_number: '123456789' },
    signatory: { name: 'Ana Petrova', email: 'ana@example.com', confirms_age_18_or_over: true, confirms_authority: true },
  });
  const key = account.initial_api_key.secret;
  env = { PROLOPE_API_KEY: key, PROLOPE_BASE_URL: t.url };
  customer = new Prolope({ apiKey: key, baseUrl: t.url });
});
afterAll(async () => {
  await t?.close();
});

describe('prolope logs tail', () => {
  test('prints a line per request and per matching event until Ctrl+C', async () => {
    const live = startCli(['logs', 'tail', '--events', 'call.*'], env);
    await live.waitFor(/Tailing API requests and events/);
    await customer.accounts.me();
    const skipped = await customer.events.trigger({ type: 'number.purchased' });
    const event = await customer.events.trigger({ type: 'call.completed' });
    await live.waitFor(new RegExp(`event call\\.completed ${event.id}`));
    const result = await live.stop();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d 200 GET \/v1\/accounts\/me \d+(\.\d+)? ms req_\w+$/m);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d 201 POST \/v1\/events\/trigger \d+(\.\d+)? ms req_\w+$/m);
    expect(result.stdout).not.toContain(skipped.id);
  });

  test('--json prints each request and event as one JSON line', async () => {
    const live = startCli(['logs', 'tail', '--json'], env);
    await live.waitFor(/"object":"stream_status","state":"open"/);
    const event = await customer.events.trigger({ type: 'call.answered' });
    await live.waitFor(new RegExp(`"id":"${event.id}"`));
    const lines = (await live.stop()).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines[0]).toEqual({ object: 'stream_status', state: 'open', reconnected: false });
    expect(lines).toContainEqual(expect.objectContaining({ object: 'request_log', method: 'POST', path: '/v1/events/trigger', status: 201 }));
    expect(lines).toContainEqual(event);
  });

  test('line helpers', () => {
    expect(matchesEvents(['call.*'], 'call.gather.completed')).toBe(true);
    expect(matchesEvents(['call.*', 'number.purchased'], 'number.released')).toBe(false);
    const at = new Date(2026, 0, 1, 9, 5, 7);
    expect(
      logLine({
        object: 'request_log',
        id: 'req_1',
        method: 'GET',
        path: '/v1/accounts/me',
        status: 200,
        duration_ms: 3.2,
        created_at: at.toISOString(),
        account_id: 'a',
      }),
    ).toBe('09:05:07 200 GET /v1/accounts/me 3.2 ms req_1');
    expect(connectionNote({ state: 'reconnecting', attempt: 1, delayMs: 400, reason: 'closed with code 1006' })).toBe(
      'Connection lost (closed with code 1006); reconnecting in 0.4 s (attempt 1)…',
    );
    expect(connectionNote({ state: 'reconnecting', attempt: 2, delayMs: 1500, reason: 'connect ECONNREFUSED' })).toMatch(/^Still not connected/);
    expect(connectionNote({ state: 'open', reconnected: true }, 'evt_1')).toBe('Reconnected; resuming after evt_1.');
    expect(connectionNote({ state: 'open', reconnected: false })).toBeUndefined();
  });
});
