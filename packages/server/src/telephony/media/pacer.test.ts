import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer.js';
import { now } from './pacing.js';

describe('Pacer', () => {
  it('runs entries in time order, whatever order they were added in, and skips cancelled ones', async () => {
    const pacer = new Pacer();
    const ran: number[] = [];
    const start = now();
    const offsets = [35, 5, 20, 20, 50, 1, 12, 40, 8, 27];
    const handles = offsets.map((ms, i) => pacer.at(start + ms, () => ran.push(i)));
    handles[4]!.cancel();
    await new Promise((r) => setTimeout(r, 80));
    const expected = offsets
      .map((ms, i) => ({ ms, i }))
      .filter(({ i }) => i !== 4)
      .sort((a, b) => a.ms - b.ms || a.i - b.i)
      .map(({ i }) => i);
    // Equal times may run in either order; compare the times they stand for.
    expect(ran.map((i) => offsets[i])).toEqual(expected.map((i) => offsets[i]));
    expect(pacer.size).toBe(0);
  });

  it('never runs an entry more than a millisecond before its time, and lets an entry schedule the next', async () => {
    const pacer = new Pacer();
    const early: number[] = [];
    let count = 0;
    await new Promise<void>((done) => {
      let due = now() + 5;
      const step = () => {
        early.push(due - now());
        if (++count === 20) return done();
        due += 3;
        pacer.at(due, step);
      };
      pacer.at(due, step);
    });
    expect(count).toBe(20);
    expect(Math.max(...early)).toBeLessThanOrEqual(1);
  });

  it('keeps a heap of many entries in order', async () => {
    const pacer = new Pacer();
    const start = now();
    const ran: number[] = [];
    const times = Array.from({ length: 500 }, (_, i) => (i * 7919) % 60);
    for (const ms of times) pacer.at(start + ms, () => ran.push(ms));
    await new Promise((r) => setTimeout(r, 90));
    expect(ran).toHaveLength(500);
    for (let i = 1; i < ran.length; i++) expect(ran[i]!).toBeGreaterThanOrEqual(ran[i - 1]! - 1);
  });
});
