import type { Db } from '../store/db.js';

/**
 * How many answered calls a user's phones are in now, as far as this server bridged them: legs to the
 * user's extension, and calls their phones placed by extension (a call out to a number shows the user's
 * caller ID, not the extension, so it is not counted; a phone in such a call answers 486 itself).
 * One call to every registered phone means the user is busy.
 */
export async function userCallsInProgress(db: Db, accountId: string, extension: string): Promise<number> {
  const row = await db
    .selectFrom('calls')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null)
    .where('answered_at', 'is not', null)
    .where('sip_trunk_id', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('parent_call_id', 'is not', null), eb('to', '=', extension)]),
        eb.and([eb('parent_call_id', 'is', null), eb('phone_number_id', 'is', null), eb('from', '=', extension)]),
      ]),
    )
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
