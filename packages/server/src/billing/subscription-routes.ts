import { defineHandlers } from '../http/typed-handlers.js';
import { accountPage } from '../store/account-page.js';
import type { Deps, Handlers } from '../deps.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { readableAccount } from './access.js';
import { cancelSubscription } from './subscriptions/cancel.js';
import { createSubscription } from './subscriptions/create.js';
import { schedulePriceChange } from './subscriptions/price-change.js';
import { readableSubscription, toPriceChange, toSubscription } from './subscriptions/subscription.js';

export function subscriptionRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'subscriptions.create': async (req) => {
      const row = await createSubscription(deps, authOf(req), req.body, req.log);
      return toSubscription(row);
    },
    'subscriptions.list': async (req) => {
      const q = req.query;
      const account = await readableAccount(deps, authOf(req), q.account);
      const rows = await accountPage(deps.db, 'subscriptions', account.id, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toSubscription) };
    },
    'subscriptions.retrieve': async (req) => {
      const { id } = req.params;
      return toSubscription((await readableSubscription(deps, authOf(req), id)).subscription);
    },
    'subscriptions.cancel': async (req) => {
      const { id } = req.params;
      return toSubscription(await cancelSubscription(deps, authOf(req), id, req.body.without_notice));
    },
    'subscriptions.createPriceChange': async (req) => {
      const { id } = req.params;
      const row = await schedulePriceChange(deps, authOf(req), id, req.body);
      return toPriceChange(row);
    },
    'subscriptions.listPriceChanges': async (req) => {
      const { id } = req.params;
      const q = req.query;
      await readableSubscription(deps, authOf(req), id);
      const rows = await deps.db
        .selectFrom('price_changes')
        .selectAll()
        .where('subscription_id', '=', id)
        .$if(!!q.starting_after, (s) => s.where('id', '<', q.starting_after as string))
        .orderBy('id', 'desc')
        .limit(limitOf(q) + 1)
        .execute();
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toPriceChange) };
    },
  });
}
