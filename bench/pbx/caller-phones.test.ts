import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain } from '../../packages/server/src/test/call-fixtures.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test/harness.js';
import { newSipUser, registerSipUser, type SipUser } from '../../packages/server/src/test/sip-user-fixtures.js';
import { freeUdpPort, requireSipp, SIPP, startSippUas } from '../../packages/server/src/test/sipp.js';
// @ts-expect-error: the bench is plain JavaScript without declarations.
import { openCallerPhones } from './caller-phones.mjs';

/**
 * bench/pbx's calling phones against a real server (SQLite; the bench runs on it): a call to a
 * registered user's extension with digest, answered by the bench's SIPp phone (bridged-answer.xml),
 * media relayed through Prolope's anchored legs, and the API's hangup reaching the phone as a BYE.
 */
requireSipp('bench/pbx caller phones');

const ANSWER = fileURLToPath(new URL('./bridged-answer.xml', import.meta.url));
const TAG = 0x50425842;

describe.skipIf(!SIPP)('bench/pbx caller phones', () => {
  let t: TestServer;
  let api: Awaited<ReturnType<TestServer['customer']>>['api'];
  let caller: SipUser;
  let callee: SipUser;
  let media: Socket;
  beforeAll(async () => {
    t = await startTestServer('sqlite');
    ({ api } = await t.customer());
    caller = await newSipUser(api, '401');
    callee = await newSipUser(api, '402');
    media = createSocket('udp4');
    await new Promise<void>((r) => media.bind(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    media?.close();
    await t?.close();
  });

  it('calls an extension with digest, the answer gives the leg media port, audio is relayed to the callee, and the API hangup ends it with a BYE', async () => {
    const phonePort = await freeUdpPort();
    await registerSipUser(t.server.sipPort!, callee, phonePort);
    // Both phones' media is one socket here, as with the bench's sinks: what goes out to the caller's
    // leg comes back from the callee's.
    const mediaPort = media.address().port;
    const answering = await startSippUas(ANSWER, ['-set', 'sinkport', String(mediaPort)], phonePort);
    const phones = await openCallerPhones();
    try {
      const call = phones.call({ port: t.server.sipPort, user: caller.username, password: caller.password, domain: caller.domain, ext: '402', mediaPort });
      const legPort: number = await call.answered;
      expect(Number.isInteger(legPort) && legPort > 0 && legPort !== mediaPort).toBe(true);

      // Tagged audio into the caller's leg until the relayed copy arrives (its payload unchanged).
      const arrived = new Promise<Buffer>((resolve) => media.on('message', (m) => m.length >= 20 && m.readUInt32BE(12) === TAG && resolve(m)));
      let n = 0;
      const sender = setInterval(() => {
        const b = Buffer.alloc(12 + 160, 0xd5);
        b[0] = 0x80;
        b[1] = 8;
        b.writeUInt16BE(n, 2);
        b.writeUInt32BE(n * 160, 4);
        b.writeUInt32BE(0xabcdef, 8);
        b.writeUInt32BE(TAG, 12);
        b.writeUInt32BE(n++, 16);
        media.send(b, legPort, '127.0.0.1');
      }, 20);
      const got = await arrived.finally(() => clearInterval(sender));
      expect(got.readUInt32BE(8)).not.toBe(0xabcdef);
      expect(got.subarray(20).equals(Buffer.alloc(152, 0xd5))).toBe(true);

      const open = (await api.get('/v1/calls?status=in_progress')).body.data as Array<{ id: string; direction: string }>;
      expect(open.map((c) => c.direction).sort()).toEqual(['inbound', 'outbound']);
      const parent = open.find((c) => c.direction === 'inbound')!;
      expect((await api.post(`/v1/calls/${parent.id}/actions/hangup`)).status).toBe(200);
      await call.ended;
      const done = await answering.done;
      expect(done.code, explain(done)).toBe(0);
    } finally {
      answering.stop();
      phones.close();
    }
  });

  it('a wrong password ends in the final refusal, not an answer', async () => {
    const phones = await openCallerPhones();
    try {
      const call = phones.call({
        port: t.server.sipPort,
        user: caller.username,
        password: 'not-the-password',
        domain: caller.domain,
        ext: '402',
        mediaPort: 9,
      });
      await expect(call.answered).rejects.toThrow(/SIP\/2\.0 403/);
    } finally {
      phones.close();
    }
  });
});
