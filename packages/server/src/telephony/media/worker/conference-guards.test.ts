import { afterEach, describe, expect, it } from 'vitest';
import type { MediaSession } from '../../backend.js';
import { bindInProcess, type BoundPort } from '../bound-port.js';
import { MixNotSupportedError } from '../conference.js';
import { MediaBusyError } from '../media-use.js';
import { LOOPBACK } from '../test-helpers.js';
import { RtpPorts } from '../udp-port.js';
import { MediaWorkerPool } from './media-pool.js';
import { mix } from './worker-conference.js';
import type { WorkerMediaSession } from './worker-session.js';

/**
 * What mixing must refuse or survive (issue 15's note): a session both bridged and mixed, sessions of two
 * kinds, and the death of the worker holding a conference's mixer. No audio is measured here (see
 * conference.timing.test.ts): only what each call is told.
 */
const RANGE: [number, number] = [34000, 34999];
type Placement = 'in-process' | 'two media workers';

describe('conference guards', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function sessions(placement: Placement, count: number, pool?: MediaWorkerPool): Promise<MediaSession[]> {
    const ports = new RtpPorts();
    const own = placement === 'in-process' ? undefined : (pool ?? new MediaWorkerPool({ size: 2 }));
    if (own && !pool) cleanup.push(() => own.terminate());
    const bind = (): Promise<BoundPort> => (own ? own.bind(ports, LOOPBACK, RANGE) : bindInProcess(ports, LOOPBACK, RANGE));
    const opened: MediaSession[] = [];
    // Nobody listens at port 9 (discard): what is sent there is lost, which is all these tests need.
    for (let i = 0; i < count; i++) opened.push((await bind()).start({ remote: { address: LOOPBACK, port: 9 } }));
    cleanup.push(() => Promise.all(opened.map((s) => s.close())));
    return opened;
  }

  describe.each<Placement>(['in-process', 'two media workers'])('%s', (placement) => {
    it('refuses to mix a bridged session, and to bridge a mixed one, until the other use ends', async () => {
      const [a, b, c] = await sessions(placement, 3);
      const unbridge = a!.bridge(b!);
      expect(() => mix([c!, a!])).toThrow(MediaBusyError);
      expect(() => mix([c!, a!])).toThrow(/bridged to another/);
      unbridge();
      const conference = mix([c!, a!]);
      expect(() => b!.bridge(a!)).toThrow(/in a conference/);
      // Refused as a whole: b was not left bridged to the conference's a.
      expect(() => a!.bridge(b!)).toThrow(MediaBusyError);
      conference.leave(a!);
      a!.bridge(b!)();
      conference.close();
      // Closing frees every participant.
      c!.bridge(b!)();
    });
  });

  it('refuses sessions of two kinds in one conference (a backend whose media cannot be mixed here)', async () => {
    const [local] = await sessions('in-process', 1);
    const [remote] = await sessions('two media workers', 1);
    expect(() => mix([local!, remote!])).toThrow(MixNotSupportedError);
    expect(() => mix([remote!, local!])).toThrow(MixNotSupportedError);
    // The refused mix released what it had claimed.
    local!.bridge(remote!)();
  });

  it('tells the conference when the worker holding its mixer dies, and frees its participants', async () => {
    const pool = new MediaWorkerPool({ size: 2 });
    cleanup.push(() => pool.terminate());
    const [a, b] = await sessions('two media workers', 2, pool);
    const [hostWorker, otherWorker] = [a, b].map((s) => (s as WorkerMediaSession).place.worker);
    expect(hostWorker).not.toBe(otherWorker);
    const conference = mix([a!, b!]);
    const lost = new Promise<void>((resolve) => conference.onLost(resolve));
    await hostWorker!.worker.terminate();
    await lost;
    // b (the other worker's) may be bridged again: the conference is over for it.
    const [c] = await sessions('two media workers', 1, pool);
    b!.bridge(c!)();
  });
});
