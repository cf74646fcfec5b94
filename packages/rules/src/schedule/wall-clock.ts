import type { LocalDate } from '../calendar/index.js';

/**
 * What a wall clock in a time zone shows at an instant: the civil date and the minute of the day (0-1439).
 *
 * @example
 * ```ts
 * const w: WallClock = { date: '2026-12-24', minute: 30 };
 * ```
 */
export interface WallClock {
  date: LocalDate;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws a RangeError for a zone the runtime's IANA database does not know.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * True when `timeZone` is an IANA zone name the runtime knows (`Europe/Sofia`, `UTC`).
 *
 * @example
 * ```ts
 * isTimeZone('Europe/Sofia'); // true
 * isTimeZone('Mars/Olympus'); // false
 * ```
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The wall clock in `timeZone` at `instant`. DST needs no special case: a clock that springs forward
 * never shows the skipped hour, and one that falls back shows the repeated hour twice.
 *
 * @example
 * ```ts
 * wallClock(new Date('2026-12-23T22:30:00Z'), 'Europe/Sofia'); // { date: '2026-12-24', minute: 30 }
 * ```
 */
export function wallClock(instant: Date, timeZone: string): WallClock {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}
