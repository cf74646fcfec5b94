import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/call-fixtures.js';
import { startTestServer, type TestServer } from '../../test/harness.js';
import { freeUdpPort } from '../../test/sipp.js';
import { formatEntry, type SipEntry } from './timeline.js';
import { parseDigits } from './network.js';
import { placeTestCall } from './place-test-call.js';

/**
 * The test caller against a real Prolope server over real UDP: a customer's trunk on 127.0.0.1, a
 * number whose voice application (a real HTTP server here) gathers two digits, and refusals.
 */

/** A voice application that gathers two keys and then says goodbye; keeps the digits it was posted. */
async function gatherApp(): Promise<{ server: Server; base: string; gathered: string[] }> {
  const gathered: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      const answer = (json: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (req.url?.startsWith('/gathered')) {
        gathered.push(String(JSON.parse(body).digits));
        answer({ instructions: [{ verb: 'say', text: 'Thank you.' }, { verb: 'hangup' }] });
      } else {
        answer({
          instructions: [
            { verb: 'gather', digits: 2, timeout_seconds: 8, action_url: `${base}/gathered`, prompt: { verb: 'say', text: 'Press one, then two.' } },
          ],
        });
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${address.port}`;
  return { server, base, gathered };
}

describe('placeTestCall', () => {
  let t: TestServer;
  let api: Awaited<ReturnType<TestServer['customer']>>['api'];
  let app: Awaited<ReturnType<typeof gatherApp>>;
  let sipPort: number;
  const from = '+35929100001';
  const gatherNumber = '+35929100002';
  const plainNumber = '+35929100003';
  const username = `test-caller-${process.pid}`;
  const password = 'Caller-Secret-2026';

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    sipPort = t.server.sipPort as number;
    const c = await t.customer();
    api = c.api;
    app = await gatherApp();
    for (const number of [from, gatherNumber, plainNumber]) {
      const stock = await t.operator.post('/v1/number-inventory', {
        numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
      });
      expect(stock.status).toBe(201);
      expect((await api.post('/v1/numbers', { number })).status).toBe(201);
    }
    expect((await api.patch(`/v1/numbers/${gatherNumber}`, { voice: { url: `${app.base}/voice` } })).status).toBe(200);
    const trunk = await api.post('/v1/sip-trunks', {
      name: 'Test PBX',
      allowed_ips: ['127.0.0.1'],
      allowed_caller_ids: [from],
      credentials: { username, password },
    });
    expect(trunk.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    if (app) await new Promise((r) => app.server.close(r));
  });

  const call = (over: Partial<Parameters<typeof placeTestCall>[0]> = {}) =>
    placeTestCall({ host: '127.0.0.1', port: sipPort, to: gatherNumber, from, username, password, ...over });

  it('calls through the trunk, presses 1 and 2, and the voice application gathers "12"', async () => {
    const live: string[] = [];
    const result = await call({ press: '1,2', firstDigitDelayMs: 300, onEntry: (e) => live.push(formatEntry(e)) });
    const lines = result.timeline.map(formatEntry);
    expect(result.answered, lines.join('\n')).toBe(true);
    expect(live).toEqual(lines);

    const sip = result.timeline.filter((e): e is SipEntry => e.kind === 'sip');
    const seen = sip.map((e) => `${e.direction} ${e.method ?? `${e.status} ${e.cseqMethod}`}`);
    // The digest round: a challenge, its ACK, then the INVITE again with credentials. The server sends
    // 100 Trying only when its answer takes over 200 ms, so a 100 before the 401 is allowed, not required.
    const challenged = seen.indexOf('out ACK');
    expect(seen.slice(0, challenged + 1).filter((m) => m !== 'in 100 INVITE')).toEqual(['out INVITE', 'in 401 INVITE', 'out ACK']);
    expect(sip[challenged + 1]).toMatchObject({ direction: 'out', method: 'INVITE', authorized: true });
    const progress = seen.indexOf('in 183 INVITE');
    const ok = seen.indexOf('in 200 INVITE');
    expect(progress).toBeGreaterThan(challenged + 1);
    expect(ok).toBeGreaterThan(progress);
    expect(seen[ok + 1]).toBe('out ACK');
    expect(sip[progress]?.sdp).toMatch(/^PCMA\/8000, telephone-event\/8000 ptime 20 at 127\.0\.0\.1:\d+$/);
    expect(seen.slice(-2)).toEqual(['in BYE', 'out 200 BYE']);

    expect(result.dtmfSent).toEqual(['1', '2']);
    const dtmf = result.timeline.filter((e) => e.kind === 'dtmf');
    expect(dtmf.map((e) => e.at).every((at) => at > (sip[ok]?.at ?? Infinity))).toBe(true);
    expect(result.end).toMatchObject({ by: 'remote', text: 'the far end hung up (BYE)', sipCode: 200 });
    expect(result.rtp.received.pcma).toBeGreaterThan(10);
    expect(result.rtp.received).toMatchObject({ pcma20ms: true, wrongSize: 0, badTimestampSteps: 0, otherPayloadTypes: {} });
    expect(result.rtp.received.timestampSteps).toBeGreaterThan(0);
    expect(result.rtp.sent).toBeGreaterThan(10);
    expect(result.mediaProblems).toEqual([]);
    expect(app.gathered).toEqual(['12']);

    // The CDR carries the Call-ID the test caller used.
    const cdr = await eventually(
      async () => ((await api.get('/v1/calls?direction=inbound')).body.data as Array<Record<string, unknown>>).find((c) => c.sip_call_id === result.callId),
      (c) => c?.ended_at != null,
    );
    expect(cdr).toMatchObject({ from, to: gatherNumber, status: 'completed', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal' });
  });

  it('hangs up itself at the maximum duration, and the far end answers the BYE', async () => {
    const result = await call({ to: plainNumber, maxDurationMs: 1500 });
    expect(result.answered).toBe(true);
    expect(result.end).toMatchObject({ by: 'local', sipCode: 200 });
    const last = result.timeline.filter((e): e is SipEntry => e.kind === 'sip').slice(-2);
    expect(last.map((e) => `${e.direction} ${e.method ?? `${e.status} ${e.cseqMethod}`}`)).toEqual(['out BYE', 'in 200 BYE']);
    expect(result.durationMs).toBeLessThan(2500);
  });

  it.each([
    ['a caller ID the trunk does not allow', { from: '+35929100099' }, 403, 'Caller ID not authorized'],
    ['a wrong password', { password: 'not-it' }, 403, 'Wrong credentials'],
    ['no credentials', { username: undefined, password: undefined }, 401, 'Unauthorized'],
    ['a number the account does not hold', { to: '+35929100098' }, 404, 'Not Found'],
  ])('reports %s as a refusal, not an exception', async (_name, over, status, reason) => {
    const result = await call(over);
    expect(result).toMatchObject({ answered: false, status, reason, noResponse: false, durationMs: 0, dtmfSent: [] });
    expect(result.end).toMatchObject({ by: 'remote', text: `refused: ${status} ${reason}`, sipCode: status });
    expect(formatEntry(result.end)).toMatch(new RegExp(`■  end: refused: ${status} ${reason}$`));
  });

  it('reports silence when nothing answers on the port', async () => {
    const result = await call({ port: await freeUdpPort(), noResponseTimeoutMs: 300 });
    expect(result).toMatchObject({ answered: false, status: 408, noResponse: true, end: { by: 'local' } });
    expect(result.timeline.filter((e) => e.kind === 'sip').every((e) => e.direction === 'out')).toBe(true);
  });

  it('reads digits as a string or a comma list and refuses anything else', () => {
    expect(parseDigits('1,2')).toEqual(['1', '2']);
    expect(parseDigits('12#*a')).toEqual(['1', '2', '#', '*', 'A']);
    expect(parseDigits(undefined)).toEqual([]);
    expect(() => parseDigits('1x')).toThrow(/not a DTMF key: "x"/);
  });
});
