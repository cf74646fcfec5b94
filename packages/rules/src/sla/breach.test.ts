import { describe, expect, it } from 'vitest';
import { evaluateSla } from './breach.js';
import { type DueTimes, dueTimes } from './due-times.js';
import type { SlaTarget } from './severity.js';

const due: DueTimes = {
  initial_response: new Date('2026-01-13T11:00:00.000Z'),
  temporary_solution: new Date('2026-01-13T18:00:00.000Z'),
  final_resolution: new Date('2026-01-20T10:00:00.000Z'),
};
const at = (text: string) => new Date(text);

describe('evaluateSla', () => {
  it.each<[string, Partial<Record<SlaTarget, Date | null>>, string, string, number | null, string | null]>([
    // why, met at, now, state of initial_response, its ms figure, next breach
    ['nothing met, before the due time', {}, '2026-01-13T10:00:00.000Z', 'pending', 3_600_000, '2026-01-13T11:00:00.001Z'],
    ['nothing met, exactly at the due time: not yet breached', {}, '2026-01-13T11:00:00.000Z', 'pending', 0, '2026-01-13T11:00:00.001Z'],
    ['nothing met, 1 ms after the due time: breached by 1 ms', {}, '2026-01-13T11:00:00.001Z', 'breached', 1, '2026-01-13T18:00:00.001Z'],
    [
      'met exactly at the due time: in time',
      { initial_response: at('2026-01-13T11:00:00.000Z') },
      '2026-01-13T12:00:00.000Z',
      'met',
      0,
      '2026-01-13T18:00:00.001Z',
    ],
    ['met 1 ms late', { initial_response: at('2026-01-13T11:00:00.001Z') }, '2026-01-13T12:00:00.000Z', 'met_late', 1, '2026-01-13T18:00:00.001Z'],
    ['met early', { initial_response: at('2026-01-13T10:15:00.000Z') }, '2026-01-13T12:00:00.000Z', 'met', 2_700_000, '2026-01-13T18:00:00.001Z'],
    ['null is not met', { initial_response: null }, '2026-01-13T12:00:00.000Z', 'breached', 3_600_000, '2026-01-13T18:00:00.001Z'],
    [
      'a met time after now is not met yet',
      { initial_response: at('2026-01-13T10:30:00.000Z') },
      '2026-01-13T10:00:00.000Z',
      'pending',
      3_600_000,
      '2026-01-13T11:00:00.001Z',
    ],
    ['resolved early meets every stage', { final_resolution: at('2026-01-13T10:40:00.000Z') }, '2026-01-25T00:00:00.000Z', 'met', 1_200_000, null],
    [
      'met exactly now counts as met',
      { initial_response: at('2026-01-13T10:30:00.000Z') },
      '2026-01-13T10:30:00.000Z',
      'met',
      1_800_000,
      '2026-01-13T18:00:00.001Z',
    ],
    // A later stage met before an earlier one was recorded: the earlier stage was met then too.
    [
      'a temporary solution before the recorded response meets the response',
      { initial_response: at('2026-01-13T11:30:00.000Z'), temporary_solution: at('2026-01-13T10:30:00.000Z') },
      '2026-01-13T12:00:00.000Z',
      'met',
      1_800_000,
      '2026-01-20T10:00:00.001Z',
    ],
    [
      'a response before a later stage keeps its own time',
      { initial_response: at('2026-01-13T10:30:00.000Z'), final_resolution: at('2026-01-13T10:50:00.000Z') },
      '2026-01-13T12:00:00.000Z',
      'met',
      1_800_000,
      null,
    ],
  ])('%s', (_why, metAt, now, state, figure, next) => {
    const result = evaluateSla({ due, metAt, now: at(now) });
    const status = result.targets.initial_response;
    expect(status.state).toBe(state);
    const ms =
      status.state === 'pending'
        ? status.remaining_ms
        : status.state === 'met'
          ? status.margin_ms
          : status.state === 'met_late'
            ? status.late_by_ms
            : status.overdue_ms;
    expect(ms).toBe(figure);
    expect(result.next_breach_at?.toISOString() ?? null).toBe(next);
  });

  it('lists breached and met targets in the order of the terms', () => {
    const result = evaluateSla({
      due,
      metAt: { initial_response: at('2026-01-13T10:00:00.000Z'), temporary_solution: at('2026-01-13T19:00:00.000Z') },
      now: at('2026-01-21T00:00:00.000Z'),
    });
    expect(result.met).toEqual(['initial_response']);
    expect(result.breached).toEqual(['temporary_solution', 'final_resolution']);
    expect(result.targets.temporary_solution).toMatchObject({ state: 'met_late', late_by_ms: 3_600_000 });
    expect(result.targets.final_resolution).toMatchObject({ state: 'breached', overdue_ms: 14 * 3_600_000 });
    expect(result.next_breach_at).toBeNull();
  });

  it('works on computed due times: a high incident answered at 18:00 on the day it was due is in time', () => {
    const times = dueTimes('high', new Date('2026-01-13T10:00:00+02:00'));
    expect(times.initial_response.toISOString()).toBe('2026-01-13T16:00:00.000Z');
    const onTime = evaluateSla({ due: times, metAt: { initial_response: new Date('2026-01-13T18:00:00+02:00') }, now: new Date('2026-01-14T08:00:00+02:00') });
    expect(onTime.targets.initial_response.state).toBe('met');
    expect(onTime.next_breach_at?.toISOString()).toBe(new Date(times.temporary_solution.getTime() + 1).toISOString());
  });

  it('wakes for the earliest pending due time, whatever order the targets are due in', () => {
    const shuffled: DueTimes = {
      initial_response: new Date('2026-01-13T18:00:00.000Z'),
      temporary_solution: new Date('2026-01-13T11:00:00.000Z'),
      final_resolution: new Date('2026-01-13T11:00:00.000Z'),
    };
    expect(evaluateSla({ due: shuffled, metAt: {}, now: at('2026-01-13T10:00:00.000Z') }).next_breach_at?.toISOString()).toBe('2026-01-13T11:00:00.001Z');
  });

  it('refuses invalid dates', () => {
    expect(() => evaluateSla({ due, metAt: {}, now: new Date('x') })).toThrow(/now/);
    expect(() => evaluateSla({ due, metAt: { final_resolution: new Date('x') }, now: at('2026-01-13T10:00:00Z') })).toThrow(/metAt.final_resolution/);
  });
});
