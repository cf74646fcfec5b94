import { addDays, dateParts, isWeekend, type LocalDate, localDate } from './local-date.js';
import { orthodoxEaster } from './orthodox-easter.js';
import type { CalendarOverrides } from './overrides.js';

/**
 * - `official`: a holiday of Labour Code art. 154(1), on whatever weekday it falls.
 * - `in_lieu`: the working day made non-working by art. 154(2) because a fixed holiday fell on a weekend.
 * - `decreed`: an extra day off from the operator's overrides (a Council of Ministers decision).
 */
/**
 * The kinds of non-working day.
 *
 * @example
 * ```ts
 * const kind: HolidayKind = 'in_lieu'; // 2026-12-28 stands in for Saturday 26 December
 * ```
 */
export type HolidayKind = 'official' | 'in_lieu' | 'decreed';

/**
 * One Bulgarian non-working day other than a weekend, named in both languages.
 *
 * @example
 * ```ts
 * const h: Holiday = { date: '2026-12-28', kind: 'in_lieu', nameBg: 'Неприсъствен ден', nameEn: 'Day off in lieu', inLieuOf: '2026-12-26' };
 * ```
 */
export interface Holiday {
  date: LocalDate;
  kind: HolidayKind;
  nameBg: string;
  nameEn: string;
  /** For `in_lieu` days: the weekend holiday this day stands in for. */
  inLieuOf?: LocalDate;
}

type Named = Pick<Holiday, 'nameBg' | 'nameEn'>;

// Labour Code art. 154(1). 1 November (National Awakeners Day) is off only for schools, so it is not here.
const FIXED: ReadonlyArray<readonly [month: number, day: number, Named]> = [
  [1, 1, { nameBg: 'Нова година', nameEn: "New Year's Day" }],
  [3, 3, { nameBg: 'Ден на Освобождението на България от османско иго', nameEn: 'Liberation Day' }],
  [5, 1, { nameBg: 'Ден на труда и на международната работническа солидарност', nameEn: 'Labour Day' }],
  [5, 6, { nameBg: 'Гергьовден, Ден на храбростта и Българската армия', nameEn: "St George's Day, Day of Valour and the Bulgarian Army" }],
  [
    5,
    24,
    {
      nameBg: 'Ден на светите братя Кирил и Методий, на българската азбука, просвета и култура и на славянската книжовност',
      nameEn: 'Day of Saints Cyril and Methodius, the Bulgarian Alphabet, Education and Culture',
    },
  ],
  [9, 6, { nameBg: 'Ден на Съединението', nameEn: 'Unification Day' }],
  [9, 22, { nameBg: 'Ден на Независимостта на България', nameEn: 'Independence Day' }],
  [12, 24, { nameBg: 'Бъдни вечер', nameEn: 'Christmas Eve' }],
  [12, 25, { nameBg: 'Рождество Христово', nameEn: 'Christmas Day' }],
  [12, 26, { nameBg: 'Рождество Христово (втори ден)', nameEn: 'Second Day of Christmas' }],
];

// Offsets from Easter Sunday. These are never moved: art. 154(2) excludes the Easter holidays.
const EASTER: ReadonlyArray<readonly [offset: number, Named]> = [
  [-2, { nameBg: 'Велики петък', nameEn: 'Good Friday' }],
  [-1, { nameBg: 'Велика събота', nameEn: 'Holy Saturday' }],
  [0, { nameBg: 'Великден', nameEn: 'Easter Sunday' }],
  [1, { nameBg: 'Великден (понеделник)', nameEn: 'Easter Monday' }],
];

const statutoryCache = new Map<number, readonly Holiday[]>();

/**
 * The statutory non-working days of a year (art. 154(1) and (2)), before any overrides, sorted by date.
 *
 * Art. 154(2) since 2017: when a holiday other than Easter falls on Saturday and/or Sunday, "the first or
 * the first two working days after them" are off. Each weekend holiday takes, in date order, the first
 * weekday after it that is neither a holiday nor already taken: 25-26 Dec 2027 on Sat-Sun give Mon 27 and
 * Tue 28; 1 May 2027 on Holy Saturday gives Tue 4 May, because Mon 3 May is Easter Monday (as in 2021).
 * A fixed holiday on a weekday that is also an Easter day (6 May 2024 on Easter Monday) earns nothing: the
 * law moves only weekend holidays, and a decree for such a year belongs in the overrides.
 *
 * @example
 * ```ts
 * statutoryHolidays(2026).find((h) => h.date === '2026-12-28')?.kind; // 'in_lieu'
 * ```
 */
export function statutoryHolidays(year: number): readonly Holiday[] {
  const cached = statutoryCache.get(year);
  if (cached) return cached;
  const fixed: Holiday[] = FIXED.map(([month, day, names]) => ({ date: localDate(year, month, day), kind: 'official' as const, ...names }));
  const easter = orthodoxEaster(year);
  const easterDays: Holiday[] = EASTER.map(([offset, names]) => ({ date: addDays(easter, offset), kind: 'official' as const, ...names }));

  // Both lists block a day in lieu; only fixed holidays earn one (1 May on Holy Saturday still does).
  const taken = new Set([...fixed, ...easterDays].map((h) => h.date));
  const inLieu: Holiday[] = [];
  for (const holiday of fixed) {
    if (!isWeekend(holiday.date)) continue;
    let day = addDays(holiday.date, 1);
    while (isWeekend(day) || taken.has(day)) day = addDays(day, 1);
    taken.add(day);
    inLieu.push({
      date: day,
      kind: 'in_lieu',
      nameBg: `Неприсъствен ден вместо ${holiday.nameBg} (чл. 154, ал. 2 КТ)`,
      nameEn: `Day off in lieu of ${holiday.nameEn} (Labour Code art. 154(2))`,
      inLieuOf: holiday.date,
    });
  }
  // A day in lieu of 24-26 December can only spill into the same year (27-31 Dec always has weekdays).
  const all = Object.freeze([...fixed, ...easterDays, ...inLieu].sort((a, b) => a.date.localeCompare(b.date)));
  statutoryCache.set(year, all);
  return all;
}

/**
 * All holidays and other non-working weekdays of a year with their names, sorted by date: the statutory
 * ones, plus `overrides.daysOff` of that year, minus any date in `overrides.workingDays`.
 * Official holidays falling on a weekend are listed too (they are holidays, just not extra days off).
 *
 * @example
 * ```ts
 * holidays(2027, { daysOff: ['2027-05-07'], workingDays: [] }).some((h) => h.kind === 'decreed'); // true
 * ```
 */
export function holidays(year: number, overrides?: CalendarOverrides): Holiday[] {
  const working = new Set(overrides?.workingDays ?? []);
  // Copies, so a caller editing its list cannot change the cached statutory one.
  const list = statutoryHolidays(year)
    .filter((h) => !working.has(h.date))
    .map((h) => ({ ...h }));
  const listed = new Set(list.map((h) => h.date));
  for (const date of overrides?.daysOff ?? []) {
    if (dateParts(date).year !== year || listed.has(date) || working.has(date)) continue;
    listed.add(date);
    list.push({ date, kind: 'decreed', nameBg: 'Почивен ден, обявен от Министерския съвет', nameEn: 'Day off decreed by the Council of Ministers' });
  }
  return list.sort((a, b) => a.date.localeCompare(b.date));
}
