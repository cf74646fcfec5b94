import { defineHandlers } from '../http/typed-handlers.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { createKey, revokeKey, toApiKey } from './service.js';
import { findApiKey, listApiKeys } from './store.js';

export function apiKeyRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'apiKeys.create': async (req) => {
      const auth = authOf(req);
      const body = req.body;
      const key = await createKey(deps, auth.scopes, {
        accountId: auth.accountId,
        name: body.name,
        scopes: body.scopes,
        expiresAt: body.expires_at,
        contactId: body.contact_id,
      });
      return key;
    },
    'apiKeys.list': async (req) => {
      const auth = authOf(req);
      const q = req.query;
      const now = deps.clock.now();
      const rows = await listApiKeys(deps.db, auth.accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map((r) => toApiKey(r, now)) };
    },
    'apiKeys.retrieve': async (req) => {
      const auth = authOf(req);
      const { id } = req.params;
      const row = await findApiKey(deps.db, auth.accountId, id);
      if (!row) throw notFound('API key', id);
      return toApiKey(row, deps.clock.now());
    },
    'apiKeys.revoke': async (req) => {
      const auth = authOf(req);
      const { id } = req.params;
      return revokeKey(deps, auth.scopes, auth.accountId, id);
    },
  });
}
