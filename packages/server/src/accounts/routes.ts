import type { Deps, Handlers } from '../deps.js';
import { authOf } from '../http/auth.js';
import { limitOf, type PageQuery, pageOf } from '../http/pagination.js';
import { type AccountInput, createAccount, toAccount, updateAccount, visibleAccount } from './service.js';
import { listAccounts } from './store.js';

export function accountRoutes(deps: Deps): Handlers {
  return {
    'accounts.create': async (req, reply) => {
      const created = await createAccount(deps, authOf(req), req.body as AccountInput);
      return reply.code(201).send(created);
    },
    'accounts.list': async (req) => {
      const auth = authOf(req);
      const q = req.query as PageQuery;
      const rows = await listAccounts(deps.db, auth.isOperator ? 'all' : { parentId: auth.accountId }, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toAccount) };
    },
    'accounts.me': async (req) => toAccount(authOf(req).account),
    'accounts.retrieve': async (req) => {
      const { id } = req.params as { id: string };
      return toAccount(await visibleAccount(deps, authOf(req), id));
    },
    'accounts.update': async (req) => {
      const { id } = req.params as { id: string };
      return updateAccount(deps, authOf(req), id, req.body as Partial<AccountInput>);
    },
  };
}
