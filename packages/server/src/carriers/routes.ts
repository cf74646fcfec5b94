import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, type PageQuery, pageOf } from '../http/pagination.js';
import { type CarrierCreate, type CarrierPatch, createCarrier, deleteCarrier, toCarrier, updateCarrier } from './service.js';
import { findCarrier, listCarriers } from './store.js';

/** `/v1/carriers`: the spec requires the `operator` scope on each, so only the operator's key gets here. */
export function carrierRoutes(deps: Deps): Handlers {
  return {
    'carriers.create': async (req, reply) => reply.code(201).send(await createCarrier(deps, authOf(req).accountId, req.body as CarrierCreate)),
    'carriers.list': async (req) => {
      const q = req.query as PageQuery;
      const page = pageOf(await listCarriers(deps.db, limitOf(q), q.starting_after), limitOf(q));
      return { ...page, data: page.data.map(toCarrier) };
    },
    'carriers.retrieve': async (req) => {
      const { id } = req.params as { id: string };
      const row = await findCarrier(deps.db, id);
      if (!row) throw notFound('carrier', id);
      return toCarrier(row);
    },
    'carriers.update': async (req) => {
      const { id } = req.params as { id: string };
      return updateCarrier(deps, authOf(req).accountId, id, req.body as CarrierPatch);
    },
    'carriers.delete': async (req) => {
      const { id } = req.params as { id: string };
      return deleteCarrier(deps, authOf(req).accountId, id);
    },
  };
}
