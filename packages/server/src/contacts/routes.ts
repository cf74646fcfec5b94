import { defineHandlers } from '../http/typed-handlers.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { createContact, deleteContact, toContact, updateContact } from './service.js';
import { findContact, listContacts } from './store.js';

export function contactRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'contacts.create': async (req) => await createContact(deps, authOf(req), req.body),
    'contacts.list': async (req) => {
      const q = req.query;
      const rows = await listContacts(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toContact) };
    },
    'contacts.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findContact(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('contact', id);
      return toContact(row);
    },
    'contacts.update': async (req) => {
      const { id } = req.params;
      return updateContact(deps, authOf(req), id, req.body);
    },
    'contacts.delete': async (req) => {
      const { id } = req.params;
      return deleteContact(deps, authOf(req), id);
    },
  });
}
