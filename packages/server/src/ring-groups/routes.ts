import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { defineHandlers } from '../http/typed-handlers.js';
import { createRingGroup, deleteRingGroup, updateRingGroup } from './service.js';
import { findRingGroup, listRingGroups } from './store.js';
import { toRingGroup } from './views.js';

export function ringGroupRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'ringGroups.create': async (req) => await createRingGroup(deps, authOf(req).accountId, req.body),
    'ringGroups.list': async (req) => {
      const q = req.query;
      const rows = await listRingGroups(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toRingGroup) };
    },
    'ringGroups.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findRingGroup(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('ring group', id);
      return toRingGroup(row);
    },
    'ringGroups.update': async (req) => await updateRingGroup(deps, authOf(req).accountId, req.params.id, req.body),
    'ringGroups.delete': async (req) => await deleteRingGroup(deps, authOf(req).accountId, req.params.id),
  });
}
