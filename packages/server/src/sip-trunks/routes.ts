import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, type PageQuery, pageOf } from '../http/pagination.js';
import { type CapacityQuery, trunkCapacity } from './capacity-check.js';
import { createSipTrunk, type SipTrunkCreate, type SipTrunkPatch, toSipTrunk, updateSipTrunk } from './service.js';
import { findSipTrunk, listSipTrunks } from './store.js';

export function sipTrunkRoutes(deps: Deps): Handlers {
  return {
    'sipTrunks.create': async (req, reply) => reply.code(201).send(await createSipTrunk(deps, authOf(req).accountId, req.body as SipTrunkCreate)),
    'sipTrunks.list': async (req) => {
      const q = req.query as PageQuery;
      const rows = await listSipTrunks(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map((row) => toSipTrunk(row, deps.sip)) };
    },
    'sipTrunks.retrieve': async (req) => {
      const { id } = req.params as { id: string };
      const row = await findSipTrunk(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('SIP trunk', id);
      return toSipTrunk(row, deps.sip);
    },
    'sipTrunks.update': async (req) => {
      const { id } = req.params as { id: string };
      return updateSipTrunk(deps, authOf(req).accountId, id, req.body as SipTrunkPatch);
    },
    'sipTrunks.capacity': async (req) => {
      const { id } = req.params as { id: string };
      return trunkCapacity(deps, authOf(req).accountId, id, req.query as CapacityQuery);
    },
  };
}
