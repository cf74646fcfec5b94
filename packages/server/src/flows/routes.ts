import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { defineHandlers } from '../http/typed-handlers.js';
import { createFlow, deleteFlow, diffRevisions, publishFlow, retrieveRevision, rollbackFlow, updateFlow, validateFlow } from './service.js';
import { findFlow, listFlows, listRevisions } from './store.js';
import { toFlow, toRevision } from './views.js';

export function flowRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'flows.create': async (req) => await createFlow(deps, authOf(req).accountId, req.body),
    'flows.list': async (req) => {
      const q = req.query;
      const rows = await listFlows(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toFlow) };
    },
    'flows.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findFlow(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('flow', id);
      return toFlow(row);
    },
    'flows.update': async (req) => await updateFlow(deps, authOf(req).accountId, req.params.id, req.body),
    'flows.delete': async (req) => await deleteFlow(deps, authOf(req).accountId, req.params.id),
    'flows.validate': async (req) => await validateFlow(deps, authOf(req).accountId, req.params.id, req.body),
    'flows.publish': async (req) => await publishFlow(deps, authOf(req).accountId, req.params.id),
    'flows.rollback': async (req) => await rollbackFlow(deps, authOf(req).accountId, req.params.id, req.body.revision),
    'flows.listRevisions': async (req) => {
      const accountId = authOf(req).accountId;
      const { id } = req.params;
      if (!(await findFlow(deps.db, accountId, id))) throw notFound('flow', id);
      const q = req.query;
      const limit = limitOf(q);
      const rows = await listRevisions(deps.db, accountId, id, limit, q.starting_after === undefined ? undefined : Number(q.starting_after));
      const data = rows.slice(0, limit).map(toRevision);
      const hasMore = rows.length > limit;
      // The cursor is the last revision number shown (revisions have no id of their own).
      return { object: 'list' as const, data, has_more: hasMore, next_cursor: hasMore ? String(data[data.length - 1]?.revision) : null };
    },
    'flows.retrieveRevision': async (req) => await retrieveRevision(deps, authOf(req).accountId, req.params.id, Number(req.params.revision)),
    'flows.diff': async (req) => await diffRevisions(deps, authOf(req).accountId, req.params.id, Number(req.query.from), Number(req.query.to)),
  });
}
