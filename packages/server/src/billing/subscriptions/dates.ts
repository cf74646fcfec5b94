import { isLocalDate, type LocalDate } from '@prolope/rules';
import { ProblemError } from '../../errors.js';

/** A body date that matched the spec's pattern but may not exist (2027-02-30): 400 naming the field. */
export function checkDate(value: string, param: string): LocalDate {
  if (!isLocalDate(value)) throw new ProblemError('validation_failed', `${value} is not a calendar date (YYYY-MM-DD).`, { param });
  return value;
}
