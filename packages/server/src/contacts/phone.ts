import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ProblemError } from '../errors.js';

/**
 * Normalises a phone number to E.164. Prolope is Bulgarian, so a number without a `+` country
 * code is read as a Bulgarian one (as a local customer would write it: 02 ..., 088 ...).
 */
export function toE164(input: string, param: string): string {
  const parsed = parsePhoneNumberFromString(input, 'BG');
  if (!parsed?.isValid()) {
    throw new ProblemError(
      'invalid_phone_number',
      `"${input}" is not a valid phone number. Use E.164 (e.g. +35929876543), or a Bulgarian number as dialled in Bulgaria.`,
      { param },
    );
  }
  return parsed.number;
}
