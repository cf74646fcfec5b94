import { defineHandlers } from '../http/typed-handlers.js';
import type { Deps, Handlers } from '../deps.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { accountOfKey, createAccount, toAccount, updateAccount, visibleAccount } from './service.js';
import { listAccounts } from './store.js';

export function accountRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'accounts.create': async (req) => createAccount(deps, authOf(req), req.body),
    'accounts.list': async (req) => {
      const auth = authOf(req);
      const q = req.query;
      const rows = await listAccounts(deps.db, auth.isOperator ? 'all' : { parentId: auth.accountId }, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toAccount) };
    },
    'accounts.me': async (req) => accountOfKey(authOf(req).account),
    'accounts.retrieve': async (req) => {
      return toAccount(await visibleAccount(deps, authOf(req), req.params.id));
    },
    'accounts.update': async (req) => {
      return updateAccount(deps, authOf(req), req.params.id, req.body);
    },
  });
}
