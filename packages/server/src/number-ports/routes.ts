import { defineHandlers } from '../http/typed-handlers.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { readableBy } from './access.js';
import { addDocument } from './add-document.js';
import { createPort } from './create-port.js';
import { findDocument, findPort, listPorts } from './store.js';
import { transitionPort } from './transition-port.js';
import { toPortDocument, viewOf, viewsOf } from './view.js';

export function numberPortRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'numberPorts.create': async (req) => await createPort(deps, authOf(req), req.body),
    'numberPorts.list': async (req) => {
      const q = req.query;
      const rows = await listPorts(deps.db, readableBy(authOf(req)), limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      return { ...page, data: await viewsOf(deps.db, page.data) };
    },
    'numberPorts.retrieve': async (req) => {
      const { id } = req.params;
      const row = await findPort(deps.db, readableBy(authOf(req)), id);
      if (!row) throw notFound('porting request', id);
      return viewOf(deps.db, row);
    },
    'numberPorts.addDocument': async (req) => {
      const { id } = req.params;
      return await addDocument(deps, authOf(req), id, req.body);
    },
    'numberPorts.retrieveDocument': async (req) => {
      const { id, document_id } = req.params;
      // The port is looked up with the caller's reach first, so another account's document is a plain 404.
      const port = await findPort(deps.db, readableBy(authOf(req)), id);
      const doc = port ? await findDocument(deps.db, port.id, document_id) : undefined;
      if (!doc) throw notFound('document', document_id);
      return { ...toPortDocument(doc), content_base64: doc.content_base64 };
    },
    'numberPorts.submit': async (req) => transitionPort(deps, authOf(req), req.params.id, 'submit'),
    'numberPorts.cancel': async (req) => transitionPort(deps, authOf(req), req.params.id, 'cancel'),
    'numberPorts.setFoc': async (req) => {
      const { foc_date } = req.body;
      return transitionPort(deps, authOf(req), req.params.id, 'set_foc', { focDate: foc_date });
    },
    'numberPorts.complete': async (req) => transitionPort(deps, authOf(req), req.params.id, 'complete'),
    'numberPorts.reject': async (req) => {
      const { reason } = req.body;
      return transitionPort(deps, authOf(req), req.params.id, 'reject', { reason });
    },
  });
}
