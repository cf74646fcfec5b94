import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, type PageQuery, pageOf } from '../http/pagination.js';
import { type ContactInput, createContact, deleteContact, toContact, updateContact } from './service.js';
import { findContact, listContacts } from './store.js';

export function contactRoutes(deps: Deps): Handlers {
  return {
    'contacts.create': async (req, reply) => reply.code(201).send(await createContact(deps, authOf(req), req.body as ContactInput)),
    'contacts.list': async (req) => {
      const q = req.query as PageQuery;
      const rows = await listContacts(deps.db, authOf(req).accountId, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: page.data.map(toContact) };
    },
    'contacts.retrieve': async (req) => {
      const { id } = req.params as { id: string };
      const row = await findContact(deps.db, authOf(req).accountId, id);
      if (!row) throw notFound('contact', id);
      return toContact(row);
    },
    'contacts.update': async (req) => {
      const { id } = req.params as { id: string };
      return updateContact(deps, authOf(req), id, req.body as Partial<ContactInput>);
    },
    'contacts.delete': async (req) => {
      const { id } = req.params as { id: string };
      return deleteContact(deps, authOf(req), id);
    },
  };
}
