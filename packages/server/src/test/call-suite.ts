import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, expect } from 'vitest';
import type { StoreKind } from '../store/db.js';
import { eventually } from './call-fixtures.js';
import type { Clock } from '../clock.js';
import { startTestServer, type TestServer } from './harness.js';
import { pbxTrunk } from './pbx-fixtures.js';
import { freeUdpPort } from './sipp.js';

/** One request the voice application received: the raw body as sent (signatures cover it) and its JSON. */
export interface AppRequest {
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, any>;
}

/** A route's answer other than 200 with JSON: another status, or a WAV (a Buffer body). */
export interface AppReply {
  reply: true;
  status: number;
  body: unknown;
}

export const reply = (status: number, body: unknown): AppReply => ({ reply: true, status, body });

export interface VoiceApplication {
  server: Server;
  base: string;
  requests: AppRequest[];
  /** Path → what it answers: a JSON body (200), or `reply(status, body)`. Unknown paths answer 404. */
  routes: Map<string, unknown>;
}

const isReply = (v: unknown): v is AppReply => typeof v === 'object' && v !== null && (v as AppReply).reply === true;

/** The customer's voice application (a real HTTP server): answers each path as `routes` says, keeps every request. */
export async function voiceApplication(): Promise<VoiceApplication> {
  const requests: AppRequest[] = [];
  const routes = new Map<string, unknown>();
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => {
      raw += d.toString();
    });
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] as string;
      let body: Record<string, any> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, any>) : {};
      } catch {
        // Not JSON: the raw text is still kept.
      }
      requests.push({ path, method: req.method ?? '', headers: req.headers, raw, body });
      const route = routes.get(path);
      const answer = route === undefined ? reply(404, { error: 'no such route' }) : isReply(route) ? route : reply(200, route);
      if (Buffer.isBuffer(answer.body)) res.writeHead(answer.status, { 'content-type': 'audio/wav' }).end(answer.body);
      else res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { server, base: `http://127.0.0.1:${address.port}`, requests, routes };
}

/** How a PBX on a trunk calls in (see pbxCallArgs); what is left out, the scenario does without. */
export interface PbxCall {
  sipPort: number;
  username: string;
  password: string;
  /** The caller id (`-set from`). */
  from?: string | undefined;
  /** Where SIPp's RTP listens (`-set rtpport`); the scenarios that offer SDP need it. */
  rtpport?: number | undefined;
  /** The payload type SIPp offers (`-set codec`), '8' for PCMA. */
  codec?: string | undefined;
}

/** SIPp's arguments for a PBX calling `number` through its trunk: digest credentials, then caller id, RTP port and codec when given. */
export function pbxCallArgs(number: string, o: PbxCall): string[] {
  return [
    ...['-au', o.username, '-ap', o.password, '-auth_uri', `${number}@127.0.0.1:${o.sipPort}`],
    ...(o.from === undefined ? [] : ['-set', 'from', o.from]),
    ...(o.rtpport === undefined ? [] : ['-set', 'rtpport', String(o.rtpport)]),
    ...(o.codec === undefined ? [] : ['-set', 'codec', o.codec]),
  ];
}

type Customer = Awaited<ReturnType<TestServer['customer']>>;
type CallRow = Record<string, any>;

/** What a call test suite shares; the fields are set in its beforeAll. */
export interface CallSuite {
  t: TestServer;
  c: Customer;
  app: VoiceApplication;
  sipPort: number;
  /** Where outbound calls go (`carrier: true`): a SIPp UAS listens here. */
  carrierPort: number;
  /** The PBX's caller id, a number of the account allowed on its trunk. */
  from: string;
  username: string;
  password: string;
  /** A number not used before in this suite (store kinds apart). */
  fresh(): string;
  /** Stocks `number` in the inventory and buys it for the customer. */
  buy(number: string): Promise<void>;
  /** A new number whose voice application answers `verbs` at /voice/<name>. */
  numberAnswering(name: string, verbs: unknown[]): Promise<string>;
  /**
   * SIPp's arguments for the PBX's call to `number`: digest, `-set from` with the PBX's caller id unless
   * `from: false`, and the RTP port and codec when given (pbxCallArgs).
   */
  auth(number: string, o?: { from?: boolean; rtpport?: number; codec?: string }): string[];
  /** The call to `number` once `ok` holds for it. */
  callTo(number: string, ok: (call: CallRow | undefined) => boolean): Promise<CallRow | undefined>;
}

/**
 * The setup every SIPp call suite repeated: a test server (with a carrier for outbound calls when
 * `carrier`), a customer with a PBX trunk and a caller id, a voice application. Call it inside the
 * `describe` of one store kind; `numberBase` keeps the suites' numbers apart; `clock` is the server's (a manualClock for tests that move time).
 */
export function callSuite(kind: StoreKind, o: { name: string; numberBase: number; carrier?: boolean; clock?: Clock }): CallSuite {
  let seq = 0;
  const s = {
    username: `${o.name}-${kind}-${process.pid}`,
    password: 'pbx-Secret-2026',
    fresh: () => `+3592${o.numberBase + ++seq + (kind === 'postgres' ? 500 : 0)}`,
    async buy(number: string) {
      const stock = await s.t.operator.post('/v1/number-inventory', {
        numbers: [{ number, type: 'local', monthly_price: '5.00', setup_price: '0.00', currency: 'EUR' }],
      });
      expect(stock.status).toBe(201);
      expect((await s.c.api.post('/v1/numbers', { number })).status).toBe(201);
    },
    async numberAnswering(name: string, verbs: unknown[]) {
      const number = s.fresh();
      await s.buy(number);
      s.app.routes.set(`/voice/${name}`, verbs);
      expect((await s.c.api.patch(`/v1/numbers/${number}`, { voice: { url: `${s.app.base}/voice/${name}` } })).status).toBe(200);
      return number;
    },
    auth: (number: string, a: { from?: boolean; rtpport?: number; codec?: string } = {}) =>
      pbxCallArgs(number, { sipPort: s.sipPort, username: s.username, password: s.password, ...a, from: a.from === false ? undefined : s.from }),
    callTo: (number: string, ok: (call: CallRow | undefined) => boolean) =>
      eventually(async () => ((await s.c.api.get('/v1/calls')).body.data as CallRow[]).find((x) => x.to === number), ok),
  } as CallSuite;

  beforeAll(async () => {
    s.carrierPort = o.carrier ? await freeUdpPort() : 0;
    s.t = await startTestServer(kind, {
      ...(o.carrier ? { config: { carrierUri: `sip:127.0.0.1:${s.carrierPort}` } } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
    });
    s.sipPort = s.t.server.sipPort as number;
    s.c = await s.t.customer();
    s.app = await voiceApplication();
    s.from = s.fresh();
    await s.buy(s.from);
    await pbxTrunk(s.c.api, { username: s.username, password: s.password, callerIds: [s.from] });
  });
  afterAll(async () => {
    await s.t?.close();
    await new Promise((r) => s.app?.server.close(r));
  });
  return s;
}
