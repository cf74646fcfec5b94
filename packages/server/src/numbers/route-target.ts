import { ProblemError } from '../errors.js';
import type { Db, Tx } from '../store/db.js';
import type { NumberRoute } from './phone-number.js';

/** A route that sends the call somewhere itself: what a schedule route's `open` and `closed` are. */
export type DirectRoute = Exclude<NumberRoute, { type: 'schedule' }>;

/** Each route type: the table its target lives in, the id field, and where to list the account's own. */
const TARGETS = {
  sip_user: { table: 'sip_users', what: 'SIP user', list: '/v1/sip-users' },
  ring_group: { table: 'ring_groups', what: 'ring group', list: '/v1/ring-groups' },
  voicemail_box: { table: 'voicemail_boxes', what: 'voicemail box', list: '/v1/voicemail-boxes' },
  schedule: { table: 'schedules', what: 'schedule', list: '/v1/schedules' },
  flow: { table: 'flows', what: 'flow', list: '/v1/flows' },
} as const;

/** The id a route names, whatever its type (a schedule route: the schedule's). */
export function routeTargetId(route: NumberRoute): string {
  switch (route.type) {
    case 'sip_user':
      return route.sip_user_id;
    case 'ring_group':
      return route.ring_group_id;
    case 'voicemail_box':
      return route.voicemail_box_id;
    case 'schedule':
      return route.schedule_id;
    case 'flow':
      return route.flow_id;
  }
}

async function checkOne(db: Db | Tx, accountId: string, route: NumberRoute, at: string): Promise<void> {
  const target = TARGETS[route.type];
  const id = routeTargetId(route);
  const row = await db.selectFrom(target.table).select('id').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  if (!row) {
    throw new ProblemError('invalid_reference', `No ${target.what} ${id} on this account. Use the id of one listed by GET ${target.list}.`, {
      param: `${at}/${route.type}_id`,
    });
  }
  if (route.type === 'flow') await checkFlowPublished(db, accountId, route, at);
}

/** Calls run published revisions only: a flow with just a draft, or a pinned revision it lacks, is refused. */
async function checkFlowPublished(db: Db | Tx, accountId: string, route: Extract<NumberRoute, { type: 'flow' }>, at: string): Promise<void> {
  const flow = await db.selectFrom('flows').select('latest_revision').where('id', '=', route.flow_id).where('account_id', '=', accountId).executeTakeFirst();
  if (flow?.latest_revision === null || flow?.latest_revision === undefined) {
    throw new ProblemError(
      'flow_not_published',
      `Flow ${route.flow_id} has no published revision, and calls never run a draft. Publish it (POST /v1/flows/${route.flow_id}/publish) first.`,
      {
        param: `${at}/flow_id`,
      },
    );
  }
  if (route.revision !== undefined && route.revision > Number(flow.latest_revision)) {
    throw new ProblemError(
      'flow_revision_not_found',
      `Flow ${route.flow_id} has revisions 1 to ${flow.latest_revision}, not ${route.revision}. Pin one of those, or leave revision out to follow the latest.`,
      { param: `${at}/revision` },
    );
  }
}

/**
 * Refuses (422 invalid_reference) a route to a user, group, box or schedule that is not the account's
 * (for a schedule route, also its `open` and `closed` targets): a number may only send calls inside its
 * own account, and another account's object answers like a missing one.
 */
export async function checkRouteTarget(db: Db | Tx, accountId: string, route: NumberRoute): Promise<void> {
  await checkOne(db, accountId, route, '/body/route');
  if (route.type === 'schedule') {
    await checkOne(db, accountId, route.open, '/body/route/open');
    await checkOne(db, accountId, route.closed, '/body/route/closed');
  }
}

/**
 * The account's numbers whose `route` names `id` under `field` (also inside a schedule route's `open`
 * or `closed`): what refuses deleting a ring group, schedule or flow that calls still reach. The route
 * is kept as the API's JSON, so this matches its text.
 */
export async function numbersRoutedTo(
  db: Db | Tx,
  accountId: string,
  field: 'ring_group_id' | 'schedule_id' | 'flow_id',
  id: string,
): Promise<{ id: string; number: string }[]> {
  return db
    .selectFrom('phone_numbers')
    .select(['id', 'number'])
    .where('account_id', '=', accountId)
    .where('route', 'like', `%"${field}":"${id}"%`)
    .orderBy('number')
    .execute();
}
