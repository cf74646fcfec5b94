import { describe, expect, it } from 'vitest';
import { daysBetween, isoWeekday, localDate } from './local-date.js';
import { orthodoxEaster } from './orthodox-easter.js';

// Orthodox Easter Sundays as celebrated in Bulgaria.
const published: [number, string][] = [
  [2010, '2010-04-04'],
  [2011, '2011-04-24'],
  [2012, '2012-04-15'],
  [2013, '2013-05-05'],
  [2014, '2014-04-20'],
  [2015, '2015-04-12'],
  [2016, '2016-05-01'],
  [2017, '2017-04-16'],
  [2018, '2018-04-08'],
  [2019, '2019-04-28'],
  [2020, '2020-04-19'],
  [2021, '2021-05-02'],
  [2022, '2022-04-24'],
  [2023, '2023-04-16'],
  [2024, '2024-05-05'],
  [2025, '2025-04-20'],
  [2026, '2026-04-12'],
  [2027, '2027-05-02'],
  [2028, '2028-04-16'],
  [2029, '2029-04-08'],
  [2030, '2030-04-28'],
  [2031, '2031-04-13'],
  [2032, '2032-05-02'],
  [2033, '2033-04-24'],
  [2034, '2034-04-09'],
  [2035, '2035-04-29'],
];

const years1900to2099 = Array.from({ length: 200 }, (_, i) => 1900 + i);

describe('orthodoxEaster', () => {
  it.each(published)('%i is %s', (year, date) => {
    expect(orthodoxEaster(year)).toBe(date);
  });

  // Julian Easter falls 22 March - 25 April (Julian) = 4 April - 8 May (Gregorian) in this range.
  it('is a Sunday between 4 April and 8 May every year 1900-2099', () => {
    const wrong = years1900to2099.filter((year) => {
      const easter = orthodoxEaster(year);
      return isoWeekday(easter) !== 7 || daysBetween(localDate(year, 4, 4), easter) < 0 || daysBetween(easter, localDate(year, 5, 8)) < 0;
    });
    expect(wrong).toEqual([]);
  });

  it.each([1582, 4100, 2026.5])('refuses year %s', (year) => {
    expect(() => orthodoxEaster(year)).toThrow(RangeError);
  });
});
