import { describe, expect, it } from 'vitest';
import { type HolidayKind, holidays, statutoryHolidays } from './holidays.js';

// [date, kind, English name] for every holiday of a year, in date order. Weekend holidays are listed
// too; the `in_lieu` rows are the working days art. 154(2) makes non-working.
type Row = [string, HolidayKind, string];

const year2026: Row[] = [
  ['2026-01-01', 'official', "New Year's Day"],
  ['2026-03-03', 'official', 'Liberation Day'],
  ['2026-04-10', 'official', 'Good Friday'],
  ['2026-04-11', 'official', 'Holy Saturday'],
  ['2026-04-12', 'official', 'Easter Sunday'],
  ['2026-04-13', 'official', 'Easter Monday'],
  ['2026-05-01', 'official', 'Labour Day'],
  ['2026-05-06', 'official', "St George's Day, Day of Valour and the Bulgarian Army"],
  ['2026-05-24', 'official', 'Day of Saints Cyril and Methodius, the Bulgarian Alphabet, Education and Culture'], // Sunday
  ['2026-05-25', 'in_lieu', 'Day off in lieu of Day of Saints Cyril and Methodius, the Bulgarian Alphabet, Education and Culture (Labour Code art. 154(2))'],
  ['2026-09-06', 'official', 'Unification Day'], // Sunday
  ['2026-09-07', 'in_lieu', 'Day off in lieu of Unification Day (Labour Code art. 154(2))'],
  ['2026-09-22', 'official', 'Independence Day'],
  ['2026-12-24', 'official', 'Christmas Eve'], // Thursday
  ['2026-12-25', 'official', 'Christmas Day'],
  ['2026-12-26', 'official', 'Second Day of Christmas'], // Saturday
  ['2026-12-28', 'in_lieu', 'Day off in lieu of Second Day of Christmas (Labour Code art. 154(2))'],
];

const year2027: Row[] = [
  ['2027-01-01', 'official', "New Year's Day"],
  ['2027-03-03', 'official', 'Liberation Day'],
  ['2027-04-30', 'official', 'Good Friday'],
  ['2027-05-01', 'official', 'Labour Day'], // Saturday, and Holy Saturday too
  ['2027-05-01', 'official', 'Holy Saturday'],
  ['2027-05-02', 'official', 'Easter Sunday'],
  ['2027-05-03', 'official', 'Easter Monday'],
  ['2027-05-04', 'in_lieu', 'Day off in lieu of Labour Day (Labour Code art. 154(2))'], // Monday is taken by Easter
  ['2027-05-06', 'official', "St George's Day, Day of Valour and the Bulgarian Army"],
  ['2027-05-24', 'official', 'Day of Saints Cyril and Methodius, the Bulgarian Alphabet, Education and Culture'],
  ['2027-09-06', 'official', 'Unification Day'],
  ['2027-09-22', 'official', 'Independence Day'],
  ['2027-12-24', 'official', 'Christmas Eve'], // Friday
  ['2027-12-25', 'official', 'Christmas Day'], // Saturday
  ['2027-12-26', 'official', 'Second Day of Christmas'], // Sunday
  ['2027-12-27', 'in_lieu', 'Day off in lieu of Christmas Day (Labour Code art. 154(2))'],
  ['2027-12-28', 'in_lieu', 'Day off in lieu of Second Day of Christmas (Labour Code art. 154(2))'],
];

const year2028: Row[] = [
  ['2028-01-01', 'official', "New Year's Day"], // Saturday
  ['2028-01-03', 'in_lieu', "Day off in lieu of New Year's Day (Labour Code art. 154(2))"],
  ['2028-03-03', 'official', 'Liberation Day'],
  ['2028-04-14', 'official', 'Good Friday'],
  ['2028-04-15', 'official', 'Holy Saturday'],
  ['2028-04-16', 'official', 'Easter Sunday'],
  ['2028-04-17', 'official', 'Easter Monday'],
  ['2028-05-01', 'official', 'Labour Day'],
  ['2028-05-06', 'official', "St George's Day, Day of Valour and the Bulgarian Army"], // Saturday
  ['2028-05-08', 'in_lieu', "Day off in lieu of St George's Day, Day of Valour and the Bulgarian Army (Labour Code art. 154(2))"],
  ['2028-05-24', 'official', 'Day of Saints Cyril and Methodius, the Bulgarian Alphabet, Education and Culture'],
  ['2028-09-06', 'official', 'Unification Day'],
  ['2028-09-22', 'official', 'Independence Day'],
  ['2028-12-24', 'official', 'Christmas Eve'], // Sunday; Mon 25 and Tue 26 are Christmas
  ['2028-12-25', 'official', 'Christmas Day'],
  ['2028-12-26', 'official', 'Second Day of Christmas'],
  ['2028-12-27', 'in_lieu', 'Day off in lieu of Christmas Eve (Labour Code art. 154(2))'],
];

describe('holidays', () => {
  it.each([
    [2026, year2026],
    [2027, year2027],
    [2028, year2028],
  ])('lists every holiday of %i', (year, rows) => {
    expect(holidays(year).map((h): Row => [h.date, h.kind, h.nameEn])).toEqual(rows);
  });

  // Past years as published, for the awkward collisions: days in lieu skip holidays and each other.
  it.each([
    [2017, ['2017-01-02', '2017-05-08', '2017-12-27']],
    [2021, ['2021-05-04', '2021-12-27', '2021-12-28']],
    [2022, ['2022-01-03', '2022-05-02', '2022-12-27', '2022-12-28']],
  ])('moves the weekend holidays of %i to the published days', (year, days) => {
    expect(
      statutoryHolidays(year)
        .filter((h) => h.kind === 'in_lieu')
        .map((h) => h.date),
    ).toEqual(days);
  });

  it('names every day in Bulgarian and points a day in lieu at its holiday', () => {
    const christmas = holidays(2027).filter((h) => h.date >= '2027-12-24');
    expect(christmas.map((h) => h.nameBg)).toEqual([
      'Бъдни вечер',
      'Рождество Христово',
      'Рождество Христово (втори ден)',
      'Неприсъствен ден вместо Рождество Христово (чл. 154, ал. 2 КТ)',
      'Неприсъствен ден вместо Рождество Христово (втори ден) (чл. 154, ал. 2 КТ)',
    ]);
    expect(christmas.map((h) => h.inLieuOf)).toEqual([undefined, undefined, undefined, '2027-12-25', '2027-12-26']);
  });

  it.each([
    ['a decreed day off of the year is added', { daysOff: ['2026-12-31'], workingDays: [] }, { added: ['2026-12-31'], removed: [] }],
    ['a day off of another year is ignored', { daysOff: ['2027-12-31'], workingDays: [] }, { added: [], removed: [] }],
    ['a day off that is already a holiday is not listed twice', { daysOff: ['2026-12-24'], workingDays: [] }, { added: [], removed: [] }],
    ['a holiday declared working is removed', { daysOff: [], workingDays: ['2026-12-28'] }, { added: [], removed: ['2026-12-28'] }],
  ])('overrides: %s', (_name, overrides, { added, removed }) => {
    const base = holidays(2026).map((h) => h.date);
    const withOverrides = holidays(2026, overrides);
    const dates = withOverrides.map((h) => h.date);
    expect(dates.filter((d) => !base.includes(d))).toEqual(added);
    expect(base.filter((d) => !dates.includes(d))).toEqual(removed);
    expect(withOverrides.filter((h) => h.kind === 'decreed').map((h) => h.date)).toEqual(added);
    expect([...dates].sort()).toEqual(dates);
  });
});
