import { defineHandlers } from '../http/typed-handlers.js';
import { iso } from '../clock.js';
import type { Deps, Handlers } from '../deps.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { importInventory } from './inventory.js';
import { toAvailableNumber, toInventoryNumber, toPhoneNumber } from './phone-number.js';
import { asE164Prefix, searchPage } from './search-page.js';
import { buyNumber, heldNumber, type OnNumberReleased, releaseNumber, updateNumber } from './service.js';
import { listHeld, listInventory, searchAvailable } from './store.js';
import { dropCallerIdFromTrunks } from '../sip-trunks/service.js';

export function numberRoutes(deps: Deps): Handlers {
  // Terms 5.3: a released number is no longer the account's, so its trunks stop accepting it as an A-number.
  const dropFromTrunks: OnNumberReleased = (tx, r) => dropCallerIdFromTrunks(tx, deps.sip, r.accountId, r.number, r.at);
  return defineHandlers({
    'inventory.import': async (req) => {
      const body = req.body;
      return await importInventory(deps, body.numbers);
    },
    'inventory.list': async (req) => {
      const q = req.query;
      const now = deps.clock.now();
      const rows = await listInventory(deps.db, { status: q.status, country: q.country }, iso(now), limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map((r) => toInventoryNumber(r, now)) };
    },
    'numbers.search': async (req) => {
      const q = req.query;
      const filter = {
        country: q.country,
        type: q.type,
        contains: q.contains,
        startsWith: asE164Prefix(q.starts_with),
      };
      const rows = await searchAvailable(deps.db, filter, iso(deps.clock.now()), limitOf(q), asE164Prefix(q.starting_after));
      return searchPage(rows.map(toAvailableNumber), limitOf(q));
    },
    'numbers.buy': async (req) => {
      const body = req.body;
      return await buyNumber(deps, authOf(req).accountId, body);
    },
    'numbers.list': async (req) => {
      const q = req.query;
      const rows = await listHeld(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map((row) => toPhoneNumber(row, deps.secrets)) };
    },
    'numbers.retrieve': async (req) => {
      const { number } = req.params;
      return toPhoneNumber(await heldNumber(deps.db, authOf(req).accountId, number), deps.secrets);
    },
    'numbers.update': async (req) => {
      const { number } = req.params;
      return updateNumber(deps, authOf(req).accountId, number, req.body);
    },
    'numbers.release': async (req) => {
      const { number } = req.params;
      return releaseNumber(deps, authOf(req).accountId, number, dropFromTrunks);
    },
  });
}
