import { describe, expect, it } from 'vitest';
import { type MaintenanceWindowInput, monthlyUptime, type OutageInput, percentHalfUp } from './uptime.js';

const MIN = 60_000;
// June 2026 in Sofia: 30 days, EEST all month, from 2026-05-31T21:00Z to 2026-06-30T21:00Z.
const JUNE = Date.parse('2026-06-01T00:00:00+03:00');
const t = (minutes: number) => new Date(JUNE + minutes * MIN);
const outage = (from: number, to: number | null): OutageInput => ({ start: t(from), end: to === null ? null : t(to) });
const window = (from: number, to: number, announcedInTime: boolean): MaintenanceWindowInput => ({ start: t(from), end: t(to), announcedInTime });
const afterJune = new Date('2026-07-15T00:00:00Z');

describe('monthlyUptime', () => {
  it.each<[string, OutageInput[], MaintenanceWindowInput[], Date, number, number, string, boolean]>([
    // why, outages, maintenance, now, downtime min, excluded min, uptime %, met
    ['no outages', [], [], afterJune, 0, 0, '100.000', true],
    ['50 minutes down misses 99.9 %', [outage(1000, 1050)], [], afterJune, 50, 0, '99.884', false],
    ['43.2 minutes down is exactly 99.9 %: met', [{ start: t(1000), end: new Date(JUNE + 1000 * MIN + 43.2 * MIN) }], [], afterJune, 43.2, 0, '99.900', true],
    ['43.2 minutes and 1 ms is not', [{ start: t(1000), end: new Date(JUNE + 1000 * MIN + 43.2 * MIN + 1) }], [], afterJune, 43.2, 0, '99.900', false],
    ['10 of the 50 minutes in a window announced in time: passes', [outage(1000, 1050)], [window(1040, 1100, true)], afterJune, 40, 10, '99.907', true],
    ['10 of the 50 minutes in a window announced late: downtime, misses', [outage(1000, 1050)], [window(1040, 1050, false)], afterJune, 50, 0, '99.884', false],
    ['a late window counts as downtime for all its length', [outage(1000, 1050)], [window(1040, 1100, false)], afterJune, 100, 0, '99.769', false],
    ['a late window counts even with no outage in it', [], [window(1040, 1100, false)], afterJune, 60, 0, '99.861', false],
    ['a late window still in progress counts until now', [], [window(100, 200, false)], t(130), 30, 0, '99.931', true],
    ['a window announced in time with no outage in it costs nothing', [], [window(1040, 1100, true)], afterJune, 0, 0, '100.000', true],
    ['overlapping outages count once', [outage(1000, 1030), outage(1020, 1050), outage(1025, 1026)], [], afterJune, 50, 0, '99.884', false],
    ['touching outages count once', [outage(1000, 1025), outage(1025, 1050)], [], afterJune, 50, 0, '99.884', false],
    // An outage, then a window announced in time days later: nothing in common, nothing excused.
    ['an outage and a later window announced in time do not overlap', [outage(1000, 1050)], [window(5000, 8945, true)], afterJune, 50, 0, '99.884', false],
    ['a window announced in time before an outage excuses nothing', [outage(5000, 5050)], [window(1000, 1100, true)], afterJune, 50, 0, '99.884', false],
    ['overlapping windows excuse once', [outage(1000, 1050)], [window(1040, 1045, true), window(1042, 1050, true)], afterJune, 40, 10, '99.907', true],
    ['an outage from May is clipped at the start of June', [outage(-100, 50)], [], afterJune, 50, 0, '99.884', false],
    ['an outage into July is clipped at the end of June', [outage(43_200 - 30, 43_200 + 500)], [], afterJune, 30, 0, '99.931', true],
    ['an outage entirely in another month', [outage(-500, -100), outage(43_300, 43_400)], [], afterJune, 0, 0, '100.000', true],
    ['an ongoing outage runs until now', [outage(43_000, null)], [], t(43_045), 45, 0, '99.896', false],
    ['an ongoing outage stops at the month end', [outage(43_180, null)], [], afterJune, 20, 0, '99.954', true],
    ['an outage not over yet is cut at now', [outage(100, 200)], [], t(130), 30, 0, '99.931', true],
  ])('%s', (_why, outages, maintenance, now, downtime, excluded, percent, met) => {
    const result = monthlyUptime({ month: '2026-06', outages, maintenance, now });
    expect(result.minutes_in_month).toBe(43_200);
    expect(result.downtime_minutes).toBe(downtime);
    expect(result.excluded_maintenance_minutes).toBe(excluded);
    expect(result.uptime_percent).toBe(percent);
    expect(result.met).toBe(met);
  });

  it.each([
    ['2026-06', '2026-05-31T21:00:00.000Z', '2026-06-30T21:00:00.000Z', 43_200],
    ['2026-03', '2026-02-28T22:00:00.000Z', '2026-03-31T21:00:00.000Z', 44_580],
    ['2026-10', '2026-09-30T21:00:00.000Z', '2026-10-31T22:00:00.000Z', 44_700],
    ['2026-12', '2026-11-30T22:00:00.000Z', '2026-12-31T22:00:00.000Z', 44_640],
    ['2028-02', '2028-01-31T22:00:00.000Z', '2028-02-29T22:00:00.000Z', 41_760],
  ])('%s runs from %s to %s (Sofia midnights): %i minutes', (month, starts, ends, minutes) => {
    const result = monthlyUptime({ month, outages: [], maintenance: [], now: new Date('2030-01-01T00:00:00Z') });
    expect([result.starts_at.toISOString(), result.ends_at.toISOString(), result.minutes_in_month]).toEqual([starts, ends, minutes]);
    expect(result.month).toBe(month);
    expect(result.target_percent).toBe('99.9');
    expect(result.complete).toBe(true);
  });

  it.each([
    ['1 ms before the month ends', '2026-06-30T20:59:59.999Z', false],
    ['exactly at the month end', '2026-06-30T21:00:00.000Z', true],
    ['after the month', '2026-07-15T00:00:00.000Z', true],
  ])('is complete only from the month end on: %s', (_why, now, complete) => {
    expect(monthlyUptime({ month: '2026-06', outages: [], maintenance: [], now: new Date(now) }).complete).toBe(complete);
  });

  it('keeps exact milliseconds and says when the month is not over', () => {
    const result = monthlyUptime({
      month: '2026-06',
      outages: [{ start: new Date(JUNE + 1000), end: new Date(JUNE + 1000 + 90_500) }],
      maintenance: [],
      now: t(60),
    });
    expect(result.downtime_ms).toBe(90_500);
    expect(result.downtime_minutes).toBe(1.508);
    expect(result.complete).toBe(false);
  });

  it.each([['2026-6'], ['2026-13'], ['June']])('refuses the month %j', (month) => {
    expect(() => monthlyUptime({ month, outages: [], maintenance: [], now: afterJune })).toThrow(RangeError);
  });

  it('refuses a maintenance window that ends before it starts', () => {
    expect(() => monthlyUptime({ month: '2026-06', outages: [], maintenance: [window(10, 5, true)], now: afterJune })).toThrow(/maintenance\[0\] ends before/);
  });

  it('takes an outage or a window that ends as it starts (nothing down), and an ongoing outage that starts after now', () => {
    const result = monthlyUptime({ month: '2026-06', outages: [outage(10, 10), outage(500, null)], maintenance: [window(20, 20, false)], now: t(100) });
    expect(result.downtime_ms).toBe(0);
  });

  it('refuses an outage that ends before it starts', () => {
    expect(() => monthlyUptime({ month: '2026-06', outages: [outage(10, 5)], maintenance: [], now: afterJune })).toThrow(/outages\[0\]/);
  });
});

describe('percentHalfUp', () => {
  it.each([
    [43_150, 43_200, '99.884'], // 99.884259...
    [43_160, 43_200, '99.907'], // 99.907407...
    [999_995, 1_000_000, '100.000'], // 99.9995 exactly: a tie goes up
    [123_455, 1_000_000, '12.346'], // 12.3455 exactly: a tie goes up
    [123_454, 1_000_000, '12.345'],
    [2, 3, '66.667'],
    [1, 3, '33.333'],
    [1, 1, '100.000'],
    [0, 7, '0.000'],
  ])('%i / %i = %s %%', (part, whole, expected) => {
    expect(percentHalfUp(part, whole)).toBe(expected);
  });

  it.each([
    [-1, 10],
    [1, 0],
    [1, -10],
    [0.5, 10],
    [1, 10.5],
    [Number.NaN, 10],
  ])('refuses %s / %s', (part, whole) => {
    expect(() => percentHalfUp(part, whole)).toThrow(/percent needs integers/);
  });
});
