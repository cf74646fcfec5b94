import { defineHandlers, type ReqWithId } from '../http/typed-handlers.js';
import { iso } from '../clock.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { newId } from '../ids.js';
import type { PlansTable } from '../store/schema.js';
import { calendarRoutes } from './calendar-routes.js';
import { findVisiblePlan, listVisiblePlans, mayEditPlan, toPlan } from './plans/plan.js';

async function planOf(deps: Deps, req: ReqWithId): Promise<PlansTable> {
  const { id } = req.params;
  const row = await findVisiblePlan(deps.db, authOf(req), id);
  if (!row) throw notFound('plan', id);
  return row;
}

export function planRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'plans.create': async (req) => {
      const auth = authOf(req);
      const body = req.body;
      const at = deps.clock.now();
      const row: PlansTable = {
        id: newId('plan', at),
        // The operator's plans are real; any other account's are test plans for its own test-clock subaccounts.
        owner_account_id: auth.isOperator ? null : auth.accountId,
        name: body.name,
        currency: body.currency,
        setup_fee: body.setup_fee ?? 0,
        fee: body.fee,
        interval: body.interval,
        active: 1,
        created_at: iso(at),
        updated_at: iso(at),
      };
      await deps.db.transaction().execute((tx) => tx.insertInto('plans').values(row).execute());
      return toPlan(row);
    },
    'plans.list': async (req) => {
      const q = req.query;
      const rows = await listVisiblePlans(deps.db, authOf(req), limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toPlan) };
    },
    'plans.retrieve': async (req) => toPlan(await planOf(deps, req)),
    'plans.update': async (req) => {
      const row = await planOf(deps, req);
      if (!mayEditPlan(authOf(req), row)) {
        const whose = row.owner_account_id === null ? "the operator's: only the operator" : `a test plan of ${row.owner_account_id}: only that account`;
        throw new ProblemError('billing_not_allowed', `Plan ${row.id} is ${whose} may change it. Create a plan of your own (a test plan) to simulate.`);
      }
      const body = req.body;
      const patch: Partial<PlansTable> = { updated_at: iso(deps.clock.now()) };
      if (body.name !== undefined) patch.name = body.name;
      if (body.active !== undefined) patch.active = body.active ? 1 : 0;
      await deps.db.transaction().execute((tx) => tx.updateTable('plans').set(patch).where('id', '=', row.id).execute());
      return toPlan({ ...row, ...patch });
    },
    ...calendarRoutes(deps),
  });
}
