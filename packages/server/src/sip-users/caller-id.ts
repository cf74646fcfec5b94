import { toE164 } from '../contacts/phone.js';
import { ProblemError } from '../errors.js';
import { numbersNotOwned } from '../numbers/service.js';
import type { Db } from '../store/db.js';

/** The user's caller ID in E.164, refused unless the account holds the number (terms 5.3, as for trunks). */
export async function checkCallerId(db: Db, accountId: string, input: string): Promise<string> {
  const number = toE164(input, '/body/caller_id');
  if ((await numbersNotOwned(db, accountId, [number])).length > 0) {
    throw new ProblemError(
      'caller_id_not_owned',
      `${number} is not a number this account holds, so a SIP user may not call from it. Buy or port the number first, or choose one of the account's numbers.`,
      { param: '/body/caller_id' },
    );
  }
  return number;
}
