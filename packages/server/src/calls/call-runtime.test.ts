import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explain, rtpPeer, scenario } from '../test/call-fixtures.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { callSuite } from '../test/call-suite.js';
import { requireSipp, runSipp, SIPP } from '../test/sipp.js';

/**
 * Each server keeps its calls' state in its own CallRuntime: two servers started in one process (as
 * tests do) do not share a live-call registry. A SIPp call held by one is controllable there and
 * unknown to the other.
 */
requireSipp('call runtime per server');

// The registry does not depend on the store: one store kind is enough.
const kind = storeKinds[0] ?? 'sqlite';

describe.skipIf(!SIPP)(`one call runtime per server (${kind})`, () => {
  const suite = callSuite(kind, { name: 'runtime', numberBase: 8_950_000 });
  let other: TestServer;
  beforeAll(async () => {
    other = await startTestServer(kind);
  });
  afterAll(async () => {
    await other?.close();
  });

  it('registers a live call in the server that holds it, not in another server of the process', async () => {
    expect(other.server.runtime).not.toBe(suite.t.server.runtime);
    const number = await suite.numberAnswering('hold', [{ verb: 'pause', seconds: 20 }]);
    const peer = await rtpPeer();
    try {
      const running = runSipp(scenario('live-control.xml'), number, suite.sipPort, suite.auth(number, { rtpport: peer.port, codec: '8' }));
      const call = await suite.callTo(number, (x) => x?.status === 'in_progress');
      const id = call?.id as string;
      expect(suite.t.server.runtime.activeCalls.get(id)).toBeDefined();
      expect(other.server.runtime.activeCalls.get(id)).toBeUndefined();
      const hungUp = await suite.c.api.post(`/v1/calls/${id}/actions/hangup`);
      expect(hungUp.body).toMatchObject({ id, status: 'completed' });
      const run = await running;
      expect(run.code, explain(run)).toBe(0);
      expect(suite.t.server.runtime.activeCalls.get(id)).toBeUndefined();
    } finally {
      peer.socket.close();
    }
  });
});
