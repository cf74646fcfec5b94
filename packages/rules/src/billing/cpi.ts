import { addDays, addMonths, daysBetween, type LocalDate } from '../calendar/index.js';
import { assertMinor, mulDiv } from './money.js';

/**
 * Annual price adjustment (terms 7.3): by the CPI of the National Statistical Institute with December of
 * the preceding year = 100, notified at least 30 days in advance.
 *
 * The index is kept as an integer in hundredths (104.2 -> 10420) so it is exact: NSI publishes one decimal,
 * two are accepted. The new price is price x index / 100, rounded half-up on minor units. An index under
 * 100 lowers the price: the terms tie prices to the index, not only to its rises.
 */
export const PRICE_CHANGE_NOTICE_DAYS = 30;

/** Parses an index as published (`'104.2'`, `'98.75'`, `'100'`) into hundredths; throws on anything else. */
export function parseCpiIndex(text: string): number {
  const m = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new RangeError(`not a CPI index with at most two decimals: ${JSON.stringify(text)}`);
  const hundredths = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  // A year-on-year index outside 50-200 is a typo (50 % deflation or 100 % inflation), not data.
  if (hundredths < 5_000 || hundredths > 20_000) throw new RangeError(`CPI index out of the plausible range 50-200: ${text}`);
  return hundredths;
}

/** The change an index means, in basis points: 104.2 -> +420 (+4.2 %). */
export function cpiChangeBasisPoints(indexHundredths: number): number {
  return indexHundredths - 10_000;
}

/** The adjusted price in minor units: price x index / 100, rounded half-up (49.90 at 104.2 -> 52.00). */
export function adjustPrice(price: number, indexHundredths: number): number {
  assertMinor(price, 'price');
  if (!Number.isInteger(indexHundredths) || indexHundredths <= 0) throw new RangeError(`index must be positive hundredths: ${indexHundredths}`);
  return mulDiv(price, indexHundredths, 10_000);
}

/** The earliest date a change notified on `noticeOn` may take effect. */
export function earliestEffectiveDate(noticeOn: LocalDate): LocalDate {
  return addDays(noticeOn, PRICE_CHANGE_NOTICE_DAYS);
}

export type PriceChangeRefusal = 'notice_too_short' | 'effective_before_notice' | 'more_than_once_a_year';

export type PriceChangeCheck = { ok: true } | { ok: false; code: PriceChangeRefusal; reason: string; earliestEffectiveOn: LocalDate };

export interface PriceChangeInput {
  /** Date the written notice is sent to the customer (terms 16: by email). */
  noticeOn: LocalDate;
  /** Date the new price applies from. */
  effectiveOn: LocalDate;
  /** When the previous CPI adjustment took effect, if any: adjustments are annual. */
  previousEffectiveOn?: LocalDate | null;
}

/**
 * Whether a price change may be scheduled. "At least 30 days in advance" is read as effective date minus
 * notice date >= 30 calendar days (notice on 1 March, effective 31 March at the earliest). "Annually"
 * allows one adjustment per 12 months, so a change within a year of the previous one is refused too.
 */
export function checkPriceChange(input: PriceChangeInput): PriceChangeCheck {
  const notice = daysBetween(input.noticeOn, input.effectiveOn);
  let earliest = earliestEffectiveDate(input.noticeOn);
  const nextAllowed = input.previousEffectiveOn ? addMonths(input.previousEffectiveOn, 12) : null;
  if (nextAllowed && nextAllowed > earliest) earliest = nextAllowed;
  if (notice < 0) {
    return {
      ok: false,
      code: 'effective_before_notice',
      reason: `the change cannot take effect on ${input.effectiveOn}, before its notice on ${input.noticeOn}`,
      earliestEffectiveOn: earliest,
    };
  }
  if (notice < PRICE_CHANGE_NOTICE_DAYS) {
    return {
      ok: false,
      code: 'notice_too_short',
      reason: `terms 7.3 require at least ${PRICE_CHANGE_NOTICE_DAYS} days' notice; ${input.noticeOn} to ${input.effectiveOn} is ${notice}`,
      earliestEffectiveOn: earliest,
    };
  }
  if (nextAllowed && input.effectiveOn < nextAllowed) {
    return {
      ok: false,
      code: 'more_than_once_a_year',
      reason: `prices are adjusted annually; the previous adjustment took effect on ${input.previousEffectiveOn}, so the next may not before ${nextAllowed}`,
      earliestEffectiveOn: earliest,
    };
  }
  return { ok: true };
}
