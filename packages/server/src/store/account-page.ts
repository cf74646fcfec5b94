import type { Selectable } from 'kysely';
import type { Db } from './db.js';
import type { Database } from './schema.js';

/** Tables whose rows belong to one account and are listed newest first by id. */
export type AccountTable =
  | 'api_keys'
  | 'contacts'
  | 'sip_trunks'
  | 'sip_users'
  | 'audio_prompts'
  | 'voicemail_boxes'
  | 'ring_groups'
  | 'schedules'
  | 'flows'
  | 'subscriptions'
  | 'payments'
  | 'credit_notes'
  | 'exports';

/**
 * One page of an account's rows, newest first, with one row more than asked so the caller can tell
 * `has_more` (see http/pagination.ts). Ids sort by creation time, so the cursor is the last id seen.
 */
export async function accountPage<T extends AccountTable>(
  db: Db,
  table: T,
  accountId: string,
  limit: number,
  startingAfter?: string,
): Promise<Selectable<Database[T]>[]> {
  // Kysely cannot narrow a generic table name; the union keeps the column names checked.
  const rows = await db
    .selectFrom(table as AccountTable)
    .selectAll()
    .where('account_id', '=', accountId)
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return rows as Selectable<Database[T]>[];
}
