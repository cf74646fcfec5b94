import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyNumbers } from '../numbers/test-fixtures.js';
import { eventually, explain, scenario } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { pbxTrunk } from '../test/pbx-fixtures.js';
import { pbxCallArgs } from '../test/call-suite.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';

/**
 * Digest guessing against a real server (issue 13, item 9): SIPp plays a guesser at an address a
 * customer's trunk allows (127.0.0.2), sending wrong passwords until the source is banned. The ban is
 * an event for that customer (naming its trunk) and for the operator, nobody else; the source's
 * datagrams are then dropped unread, while the customer's PBX at 127.0.0.1 keeps calling.
 */
requireSipp('SIP defences');

const BAN_AFTER = 4;

describe.skipIf(!SIPP).each(storeKinds)('SIP failed-auth bans (%s)', (kind) => {
  let t: TestServer;
  let sipPort: number;
  const password = 'pbx-Secret-2026';
  const username = 'office-pbx';
  const base = kind === 'postgres' ? 8_300_000 : 8_200_000;
  const from = `+3592${base + 1}`;
  const to = `+3592${base + 2}`;

  beforeAll(async () => {
    t = await startTestServer(kind, { config: { sipBan: { maxFailures: BAN_AFTER, windowSeconds: 60, banSeconds: 600 } } });
    sipPort = t.server.sipPort as number;
  });
  afterAll(() => t?.close());

  it('two accounts may use the same digest username: inbound auth picks the trunk by A-number, then checks its own password', async () => {
    const a = await t.customer();
    const b = await t.customer();
    const [fromA, fromB] = [`+3592${base + 11}`, `+3592${base + 12}`];
    await buyNumbers(t.operator, a.api, [fromA]);
    await buyNumbers(t.operator, b.api, [fromB]);
    await pbxTrunk(a.api, { username: 'shared-pbx', password: 'password-of-A-2026', callerIds: [fromA] });
    await pbxTrunk(b.api, { username: 'shared-pbx', password: 'password-of-B-2026', callerIds: [fromB] });
    const unknown = `+3592${base + 19}`;
    const attempt = (file: string, from: string, password: string) =>
      runSipp(scenario(file), unknown, sipPort, pbxCallArgs(unknown, { sipPort, username: 'shared-pbx', password, from, rtpport: 40000, codec: '8' }));
    // B's PBX with B's password passes authentication (then 404: nobody holds the number); with A's password it is refused.
    const own = await attempt('inbound-auth-404.xml', fromB, 'password-of-B-2026');
    expect(own.code, explain(own)).toBe(0);
    const crossed = await attempt('inbound-auth-403.xml', fromB, 'password-of-A-2026');
    expect(crossed.code, explain(crossed)).toBe(0);
    const ownA = await attempt('inbound-auth-404.xml', fromA, 'password-of-A-2026');
    expect(ownA.code, explain(ownA)).toBe(0);
  });

  it(`bans a source after ${BAN_AFTER} wrong passwords, tells the trunk's account and the operator only, then drops its datagrams`, async () => {
    const c = await t.customer();
    const other = await t.customer();
    await buyNumbers(t.operator, c.api, [from, to]);
    const trunk = await pbxTrunk(c.api, { username, password, callerIds: [from], ips: ['127.0.0.1', '127.0.0.2'] });

    const guess = await runSipp(
      scenario('inbound-auth-403.xml'),
      to,
      sipPort,
      ['-au', username, '-ap', 'not-the-password', '-auth_uri', `${to}@127.0.0.1:${sipPort}`, '-set', 'from', from, '-m', String(BAN_AFTER)],
      '127.0.0.2',
    );
    expect(guess.code, explain(guess)).toBe(0);

    const bansOf = async (api: typeof c.api) => (await api.get('/v1/events?type=sip.source_banned')).body.data as Array<Record<string, any>>;
    const theirs = await eventually(
      () => bansOf(c.api),
      (list) => list.length > 0,
    );
    expect(theirs).toHaveLength(1);
    const ban = theirs[0]!.data.object;
    expect(ban).toMatchObject({
      object: 'sip_source_ban',
      source_address: '127.0.0.2',
      failures: BAN_AFTER,
      window_seconds: 60,
      sip_trunk_ids: [trunk.id],
    });
    expect(ban.id).toMatch(/^ban_/);
    expect(Date.parse(ban.expires_at) - Date.parse(ban.banned_at)).toBe(600_000);
    const operators = await bansOf(t.operator);
    expect(operators.map((e) => e.data.object)).toEqual([{ ...ban, sip_trunk_ids: [] }]);
    expect(await bansOf(other.api)).toEqual([]);

    // Banned: whatever 127.0.0.2 sends now is dropped before it is read, the right password included.
    // SIPp's ACK to the 403 that started the ban is the first datagram dropped; count from after it.
    const dropped = (await eventually(async () => t.server.sipStats()!.bannedDropped, (n) => n >= 1)) as number;
    expect(dropped).toBe(1);
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.2', r));
    const options = [
      `OPTIONS sip:${to}@127.0.0.1:${sipPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.2:${socket.address().port};branch=z9hG4bK-banned;rport`,
      'Max-Forwards: 70',
      `From: <sip:${from}@127.0.0.2>;tag=b1`,
      `To: <sip:${to}@127.0.0.1>`,
      'Call-ID: banned-probe',
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    let answers = 0;
    socket.on('message', () => answers++);
    socket.send(options, sipPort, '127.0.0.1');
    await eventually(
      async () => t.server.sipStats()!.bannedDropped,
      (n) => n === dropped + 1,
    );
    expect(t.server.sipStats()!.bannedDropped).toBe(dropped + 1);
    socket.close();
    expect(answers).toBe(0);

    // The PBX at 127.0.0.1 is not affected: its authenticated call gets through to routing (404: no such number).
    const unknown = `+3592${base + 9}`;
    const pbx = pbxCallArgs(unknown, { sipPort, username, password, from, rtpport: 40000, codec: '8' });
    const ok = await runSipp(scenario('inbound-auth-404.xml'), unknown, sipPort, pbx);
    expect(ok.code, explain(ok)).toBe(0);
  });
});
