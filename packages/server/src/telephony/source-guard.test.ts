import { describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { type SourceBan, SourceGuard } from './source-guard.js';

/** Failed-authentication throttling on a manual clock: the window, the ban, its end, and bounded memory. */
describe('SourceGuard', () => {
  const setup = (over: Partial<ConstructorParameters<typeof SourceGuard>[0]> = {}) => {
    const clock = manualClock('2026-03-01T10:00:00Z');
    const bans: SourceBan[] = [];
    const guard = new SourceGuard({ maxFailures: 5, windowMs: 60_000, banMs: 600_000, clock, onBan: (b) => bans.push(b), ...over });
    return { clock, bans, guard };
  };

  it('bans a source on its Nth failure within the window, once, until the ban ends', () => {
    const { clock, bans, guard } = setup();
    for (let i = 0; i < 4; i++) expect(guard.recordFailure('192.0.2.1')).toBeUndefined();
    expect(guard.isBanned('192.0.2.1')).toBe(false);
    const ban = guard.recordFailure('192.0.2.1');
    expect(ban).toEqual({ address: '192.0.2.1', failures: 5, bannedAt: new Date('2026-03-01T10:00:00Z'), expiresAt: new Date('2026-03-01T10:10:00Z') });
    expect(bans).toEqual([ban]);
    expect(guard.isBanned('192.0.2.1')).toBe(true);
    expect(guard.isBanned('192.0.2.2')).toBe(false);
    // More failures while banned neither extend it nor announce it again.
    expect(guard.recordFailure('192.0.2.1')).toBeUndefined();
    expect(bans).toHaveLength(1);
    clock.advance(600_000 - 1);
    expect(guard.isBanned('192.0.2.1')).toBe(true);
    clock.advance(1);
    expect(guard.isBanned('192.0.2.1')).toBe(false);
    expect(guard.stats()).toEqual({ tracked: 0, banned: 0 });
  });

  it('counts only failures inside the sliding window', () => {
    const { clock, bans, guard } = setup();
    for (let i = 0; i < 20; i++) {
      guard.recordFailure('192.0.2.1');
      // One failure every 15 s: never 5 within a minute.
      clock.advance(15_001);
    }
    expect(bans).toEqual([]);
    for (let i = 0; i < 5; i++) guard.recordFailure('192.0.2.1');
    expect(bans).toHaveLength(1);
  });

  it('maxFailures 0 turns banning off', () => {
    const { bans, guard } = setup({ maxFailures: 0 });
    for (let i = 0; i < 100; i++) guard.recordFailure('192.0.2.1');
    expect(bans).toEqual([]);
    expect(guard.isBanned('192.0.2.1')).toBe(false);
  });

  it('tracks a bounded number of addresses (a spoofed-source flood cannot grow memory)', () => {
    const { guard } = setup({ maxTracked: 100 });
    for (let i = 0; i < 5000; i++) guard.recordFailure(`10.0.${i >> 8}.${i & 255}`);
    expect(guard.stats().tracked).toBe(100);
  });
});
