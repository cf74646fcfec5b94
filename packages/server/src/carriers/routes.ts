import { defineHandlers } from '../http/typed-handlers.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { createCarrier, deleteCarrier, toCarrier, updateCarrier } from './service.js';
import { findCarrier, listCarriers } from './store.js';

/** `/v1/carriers`: the spec requires the `operator` scope on each, so only the operator's key gets here. */
export function carrierRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'carriers.create': async (req) => await createCarrier(deps, authOf(req).accountId, req.body),
    'carriers.list': async (req) => {
      const q = req.query;
      const page = pageOf(await listCarriers(deps.db, limitOf(q), q.starting_after), limitOf(q));
      return { ...page, data: page.data.map(toCarrier) };
    },
    'carriers.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findCarrier(deps.db, id);
      if (!row) throw notFound('carrier', id);
      return toCarrier(row);
    },
    'carriers.update': async (req) => {
      const { id } = req.params;
      return updateCarrier(deps, authOf(req).accountId, id, req.body);
    },
    'carriers.delete': async (req) => {
      const { id } = req.params;
      return deleteCarrier(deps, authOf(req).accountId, id);
    },
  });
}
