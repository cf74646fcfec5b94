import { ProblemError } from '../errors.js';
import type { Db, Tx } from '../store/db.js';
import type { NumberRoute } from './phone-number.js';

/** Each route type: the table its target lives in, the id field, and where to list the account's own. */
const TARGETS = {
  sip_user: { table: 'sip_users', what: 'SIP user', list: '/v1/sip-users' },
  ring_group: { table: 'ring_groups', what: 'ring group', list: '/v1/ring-groups' },
  voicemail_box: { table: 'voicemail_boxes', what: 'voicemail box', list: '/v1/voicemail-boxes' },
} as const;

/** The id a route names, whatever its type. */
export function routeTargetId(route: NumberRoute): string {
  switch (route.type) {
    case 'sip_user':
      return route.sip_user_id;
    case 'ring_group':
      return route.ring_group_id;
    case 'voicemail_box':
      return route.voicemail_box_id;
  }
}

/**
 * Refuses (422 invalid_reference) a route to a user, group or box that is not the account's: a number
 * may only send calls inside its own account, and another account's object answers like a missing one.
 */
export async function checkRouteTarget(db: Db | Tx, accountId: string, route: NumberRoute): Promise<void> {
  const target = TARGETS[route.type];
  const id = routeTargetId(route);
  const row = await db.selectFrom(target.table).select('id').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  if (!row) {
    throw new ProblemError('invalid_reference', `No ${target.what} ${id} on this account. Use the id of one listed by GET ${target.list}.`, {
      param: `/body/route/${route.type}_id`,
    });
  }
}
