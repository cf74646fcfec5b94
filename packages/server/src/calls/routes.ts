import type { Handlers } from '../deps.js';
import { defineHandlers } from '../http/typed-handlers.js';
import type { CallDeps } from './call-deps.js';
import { notFound, ProblemError } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { toCall } from './call.js';
import { findCall, listCalls } from './store.js';

export function callRoutes(deps: CallDeps): Handlers {
  return defineHandlers({
    'calls.create': async (req) => {
      const outbound = deps.outbound;
      if (!outbound) throw new ProblemError('no_route', 'This Prolope places no calls: SIP is off (PROLOPE_SIP=off).');
      const row = await outbound.create(authOf(req).accountId, req.body);
      return toCall(row);
    },
    'calls.list': async (req) => {
      const q = req.query;
      const rows = await listCalls(
        deps.db,
        authOf(req).accountId,
        { status: q.status, direction: q.direction, parentCallId: q.parent_call_id },
        limitOf(q),
        q.starting_after,
      );
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toCall) };
    },
    'calls.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findCall(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('call', id);
      return toCall(row);
    },
  });
}
