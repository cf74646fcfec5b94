import { defineHandlers } from '../http/typed-handlers.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { trunkCapacity } from './capacity-check.js';
import { createSipTrunk, toSipTrunk, updateSipTrunk } from './service.js';
import { findSipTrunk, listSipTrunks } from './store.js';

export function sipTrunkRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'sipTrunks.create': async (req) => await createSipTrunk(deps, authOf(req).accountId, req.body),
    'sipTrunks.list': async (req) => {
      const q = req.query;
      const rows = await listSipTrunks(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map((row) => toSipTrunk(row, deps.sip)) };
    },
    'sipTrunks.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findSipTrunk(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('SIP trunk', id);
      return toSipTrunk(row, deps.sip);
    },
    'sipTrunks.update': async (req) => {
      const { id } = req.params;
      return updateSipTrunk(deps, authOf(req).accountId, id, req.body);
    },
    'sipTrunks.capacity': async (req) => {
      const { id } = req.params;
      return trunkCapacity(deps, authOf(req).accountId, id, req.query);
    },
  });
}
