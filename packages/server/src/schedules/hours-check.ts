import { isTimeZone, minuteOfDay } from '@prolope/rules';
import { ProblemError } from '../errors.js';
import type { OpeningHours } from './views.js';

/** Refuses (422 invalid_time_zone) a zone the server's IANA database does not know. */
export function checkTimeZone(zone: string): void {
  if (!isTimeZone(zone)) {
    throw new ProblemError(
      'invalid_time_zone',
      `${JSON.stringify(zone)} is not an IANA time zone name; use one like "Europe/Sofia", "America/New_York" or "UTC".`,
      {
        param: '/body/time_zone',
      },
    );
  }
}

/**
 * Refuses hours that close at or before they open (422 schedule_close_before_open; a night shift is two
 * entries, to 24:00 and from 00:00) and hours that overlap on a weekday (422 schedule_hours_overlap).
 * The spec's pattern has already made every time `HH:MM` or `24:00`.
 */
export function checkHours(hours: readonly OpeningHours[]): void {
  const spans = hours.map((h, i) => {
    const open = minuteOfDay(h.open) as number;
    const close = minuteOfDay(h.close) as number;
    if (close <= open) {
      throw new ProblemError(
        'schedule_close_before_open',
        `Hours ${i} close at ${h.close}, not after they open at ${h.open}. For hours past midnight, list two: to "24:00" and from "00:00" the next day.`,
        { param: `/body/hours/${i}/close` },
      );
    }
    return { i, h, open, close };
  });
  for (const a of spans) {
    for (const b of spans) {
      if (b.i <= a.i) continue;
      const day = a.h.days.find((d) => b.h.days.includes(d));
      if (day !== undefined && a.open < b.close && b.open < a.close) {
        throw new ProblemError(
          'schedule_hours_overlap',
          `Hours ${a.i} (${a.h.open}-${a.h.close}) and ${b.i} (${b.h.open}-${b.h.close}) overlap on ${day}. Merge them into one, or make one end where the other starts.`,
          { param: `/body/hours/${b.i}` },
        );
      }
    }
  }
}
