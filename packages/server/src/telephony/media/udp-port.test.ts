import { describe, expect, it } from 'vitest';
import { LOOPBACK } from './test-helpers.js';
import { RtpPorts } from './udp-port.js';

/** The RTP port set is per server instance (its CallRuntime's), not per process. */
describe('RTP port set', () => {
  // Two even ports: 39990 and 39992.
  const range = [39990, 39993] as const;

  it('is one per server: another set binds the port this one does not hold, and a released port is taken again', async () => {
    const mine = new RtpPorts();
    const theirs = new RtpPorts();
    const first = await mine.bind(LOOPBACK, range);
    // The other set does not know the port is held; its bind there fails and it takes the other one.
    const second = await theirs.bind(LOOPBACK, range);
    expect([first.port, second.port].sort()).toEqual([39990, 39992]);
    await new Promise<void>((r) => first.socket.close(() => r()));
    mine.release(LOOPBACK, first.port);
    const again = await mine.bind(LOOPBACK, range);
    expect(again.port).toBe(first.port);
    await new Promise<void>((r) => again.socket.close(() => r()));
    mine.release(LOOPBACK, again.port);
    await new Promise<void>((r) => second.socket.close(() => r()));
    theirs.release(LOOPBACK, second.port);
  });
});
