import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { holder, trunkBody } from './test-helpers.js';

describe.each(storeKinds)('SIP trunk capacity (%s)', (kind) => {
  let t: TestServer;
  let c: Awaited<ReturnType<typeof holder>>;
  let withLink: string;
  let withoutLink: string;
  beforeAll(async () => {
    t = await startTestServer(kind);
    c = await holder(t);
    withLink = (await c.api.post('/v1/sip-trunks', trunkBody(c.number, { link: { bandwidth_kbps: 4000 } }))).body.id;
    withoutLink = (await c.api.post('/v1/sip-trunks', trunkBody(c.number))).body.id;
  });
  afterAll(() => t?.close());

  const check = (id: string, query: string) => c.api.get(`/v1/sip-trunks/${id}/capacity?${query}`);

  it('judges the stored link: 30 IP lines need 2,400 kbit/s, 30 web lines 4,350', async () => {
    const ip = await check(withLink, 'lines=30&kind=ip');
    expect(ip.status).toBe(200);
    expect(ip.body).toEqual({
      object: 'capacity',
      lines: 30,
      kind: 'ip',
      per_line_kbps: 80,
      required_kbps: 2400,
      link: { type: 'internet', bandwidth_kbps: 4000, static_ip: true },
      meets: true,
      reasons: [],
    });
    const web = await check(withLink, 'lines=30&kind=web');
    expect(web.body).toMatchObject({ kind: 'web', per_line_kbps: 145, required_kbps: 4350, meets: false });
    expect(web.body.reasons).toEqual([
      { rule: 'bandwidth', message: '30 web phone lines need 4,350 kbit/s (145 kbit/s each, terms 5.3); this link has 4,000 kbit/s.' },
    ]);
  });

  it('defaults to IP lines and answers meets: null when no link is known', async () => {
    const res = await check(withoutLink, 'lines=30');
    expect(res.body).toMatchObject({ kind: 'ip', required_kbps: 2400, link: null, meets: null, reasons: [] });
  });

  it('judges a link described in the query instead of the stored one', async () => {
    const leased = await check(withLink, 'lines=30&link_type=leased_line&bandwidth_kbps=100000&delay_ms=40');
    expect(leased.body).toMatchObject({
      required_kbps: 2400,
      link: { type: 'leased_line', bandwidth_kbps: 100_000, delay_ms: 40, static_ip: true },
      meets: false,
      reasons: [{ rule: 'leased_line_delay', message: 'A leased line may have at most 20 ms bidirectional delay (terms 5.3); this one has 40 ms.' }],
    });
    const dynamic = await check(withoutLink, 'lines=2&kind=web&bandwidth_kbps=1000&static_ip=false');
    expect(dynamic.body).toMatchObject({ required_kbps: 290, meets: false });
    expect(dynamic.body.reasons.map((r: { rule: string }) => r.rule)).toEqual(['static_ip']);
    const fine = await check(withoutLink, 'lines=30&link_type=leased_line&bandwidth_kbps=100000&delay_ms=20');
    expect(fine.body).toMatchObject({ meets: true, reasons: [] });
  });

  it('refuses link fields without bandwidth_kbps rather than quietly judging the stored link', async () => {
    const res = await check(withLink, 'lines=30&link_type=leased_line&delay_ms=40');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', param: '/querystring/bandwidth_kbps' });
    expect(res.body.detail).toContain('link_type');
  });

  it('refuses a missing or zero line count', async () => {
    expect((await check(withLink, '')).status).toBe(400);
    const zero = await check(withLink, 'lines=0');
    expect(zero.status).toBe(400);
    expect(zero.body.param).toBe('/querystring/lines');
  });
});
