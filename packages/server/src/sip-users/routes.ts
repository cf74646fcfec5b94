import { defineHandlers } from '../http/typed-handlers.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { createSipUser, deleteSipUser, rotateSipUserPassword, toSipUser, updateSipUser } from './service.js';
import { toSipRegistration } from './registrations.js';
import { findSipUser, listSipUsers, liveRegistrations } from './store.js';
import { iso } from '../clock.js';

export function sipUserRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'sipUsers.create': async (req) => await createSipUser(deps, authOf(req).accountId, req.body),
    'sipUsers.list': async (req) => {
      const q = req.query;
      const rows = await listSipUsers(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toSipUser) };
    },
    'sipUsers.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findSipUser(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('SIP user', id);
      return toSipUser(row);
    },
    'sipUsers.update': async (req) => await updateSipUser(deps, authOf(req).accountId, req.params.id, req.body),
    'sipUsers.delete': async (req) => await deleteSipUser(deps, authOf(req).accountId, req.params.id),
    'sipUsers.registrations': async (req) => {
      const { id } = req.params;
      const row = await findSipUser(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('SIP user', id);
      const data = (await liveRegistrations(deps.db, id, iso(deps.clock.now()))).map(toSipRegistration);
      return { object: 'list' as const, data, has_more: false, next_cursor: null };
    },
    'sipUsers.rotatePassword': async (req) => await rotateSipUserPassword(deps, authOf(req).accountId, req.params.id),
  });
}
