import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, type PageQuery, pageOf } from '../http/pagination.js';
import { toCall } from './call.js';
import { findCall, listCalls } from './store.js';

export function callRoutes(deps: Deps): Handlers {
  return {
    'calls.list': async (req) => {
      const q = req.query as PageQuery & { status?: string; direction?: string };
      const rows = await listCalls(deps.db, authOf(req).accountId, { status: q.status, direction: q.direction }, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toCall) };
    },
    'calls.retrieve': async (req) => {
      const { id } = req.params as { id: string };
      const row = await findCall(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('call', id);
      return toCall(row);
    },
  };
}
