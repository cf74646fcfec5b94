import { iso } from '../clock.js';
import type { Deps, Handlers } from '../deps.js';
import { authOf } from '../http/auth.js';
import { limitOf, type PageQuery, pageOf } from '../http/pagination.js';
import { importInventory, type InventoryNumberInput } from './inventory.js';
import { toAvailableNumber, toInventoryNumber, toPhoneNumber } from './phone-number.js';
import { asE164Prefix, searchPage } from './search-page.js';
import { buyNumber, heldNumber, type OnNumberReleased, releaseNumber, updateNumber } from './service.js';
import type { NumberUpdateInput } from './settings.js';
import { listHeld, listInventory, searchAvailable } from './store.js';
import { dropCallerIdFromTrunks } from '../sip-trunks/service.js';

interface InventoryQuery extends PageQuery {
  status?: string;
  country?: string;
}

interface SearchQuery extends PageQuery {
  country?: string;
  type?: string;
  contains?: string;
  starts_with?: string;
}

export function numberRoutes(deps: Deps): Handlers {
  // Terms 5.3: a released number is no longer the account's, so its trunks stop accepting it as an A-number.
  const dropFromTrunks: OnNumberReleased = (tx, r) => dropCallerIdFromTrunks(tx, deps.sip, r.accountId, r.number, r.at);
  return {
    'inventory.import': async (req, reply) => {
      const body = req.body as { numbers: InventoryNumberInput[] };
      return reply.code(201).send(await importInventory(deps, body.numbers));
    },
    'inventory.list': async (req) => {
      const q = req.query as InventoryQuery;
      const now = deps.clock.now();
      const rows = await listInventory(deps.db, { status: q.status, country: q.country }, iso(now), limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map((r) => toInventoryNumber(r, now)) };
    },
    'numbers.search': async (req) => {
      const q = req.query as SearchQuery;
      const filter = {
        country: q.country,
        type: q.type,
        contains: q.contains,
        startsWith: asE164Prefix(q.starts_with),
      };
      const rows = await searchAvailable(deps.db, filter, iso(deps.clock.now()), limitOf(q), asE164Prefix(q.starting_after));
      return searchPage(rows.map(toAvailableNumber), limitOf(q));
    },
    'numbers.buy': async (req, reply) => {
      const body = req.body as { number: string; friendly_name?: string };
      return reply.code(201).send(await buyNumber(deps, authOf(req).accountId, body));
    },
    'numbers.list': async (req) => {
      const q = req.query as PageQuery;
      const rows = await listHeld(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map((row) => toPhoneNumber(row, deps.secrets)) };
    },
    'numbers.retrieve': async (req) => {
      const { number } = req.params as { number: string };
      return toPhoneNumber(await heldNumber(deps.db, authOf(req).accountId, number), deps.secrets);
    },
    'numbers.update': async (req) => {
      const { number } = req.params as { number: string };
      return updateNumber(deps, authOf(req).accountId, number, req.body as NumberUpdateInput);
    },
    'numbers.release': async (req) => {
      const { number } = req.params as { number: string };
      return releaseNumber(deps, authOf(req).accountId, number, dropFromTrunks);
    },
  };
}
