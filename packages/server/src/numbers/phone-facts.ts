import { type NumberType as LibType, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ProblemError } from '../errors.js';

export type NumberType = 'local' | 'mobile' | 'toll_free' | 'national';

// libphonenumber's finer types folded into the four the API offers. Numbers reachable only from
// within the country at a non-geographic rate (shared cost, UAN, personal, VoIP, premium) are
// `national`; anything unknown is `local`, the commonest kind in an inventory.
const TYPE_MAP: Partial<Record<NonNullable<LibType>, NumberType>> = {
  FIXED_LINE: 'local',
  FIXED_LINE_OR_MOBILE: 'local',
  MOBILE: 'mobile',
  PAGER: 'mobile',
  TOLL_FREE: 'toll_free',
  SHARED_COST: 'national',
  UAN: 'national',
  PERSONAL_NUMBER: 'national',
  VOIP: 'national',
  PREMIUM_RATE: 'national',
};

export function apiTypeOf(libType: LibType | undefined): NumberType {
  return (libType && TYPE_MAP[libType]) ?? 'local';
}

export interface NumberFacts {
  country: string;
  type: NumberType;
}

/**
 * Country and type of a number already in E.164. A non-geographic number (+800 ...) has no
 * country, and every inventory row needs one, so it is refused like an invalid number.
 */
export function numberFacts(e164: string, param?: string): NumberFacts {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed?.isValid()) {
    throw new ProblemError('invalid_phone_number', `"${e164}" is not a valid phone number in E.164 (e.g. +35929876543).`, param ? { param } : {});
  }
  if (!parsed.country) {
    throw new ProblemError(
      'invalid_phone_number',
      `${e164} is a non-geographic number (no country); Prolope numbers belong to a country. Use a national number.`,
      param ? { param } : {},
    );
  }
  return { country: parsed.country, type: apiTypeOf(parsed.getType()) };
}
