import { toE164 } from '../contacts/phone.js';
import { ProblemError } from '../errors.js';
import { numbersNotOwned } from '../numbers/service.js';
import type { Db } from '../store/db.js';

/**
 * `allowed_caller_ids` in E.164, without repeats, each a number the account holds: terms 5.3 authorize
 * calls by IP address and A-number, so a trunk may only present numbers that are the customer's.
 */
export async function checkCallerIds(db: Db, accountId: string, inputs: string[], pointer: string): Promise<string[]> {
  const numbers = inputs.map((n, i) => toE164(n, `${pointer}/${i}`));
  const notOwned = new Set(await numbersNotOwned(db, accountId, [...new Set(numbers)]));
  const bad = numbers.findIndex((n) => notOwned.has(n));
  if (bad >= 0) {
    throw new ProblemError(
      'caller_id_not_owned',
      `${numbers[bad]} is not a number this account holds, so the trunk may not call from it (terms 5.3 authorize calls by A-number). Buy or port the number first, or remove it from allowed_caller_ids.`,
      { param: `${pointer}/${bad}` },
    );
  }
  return [...new Set(numbers)];
}
