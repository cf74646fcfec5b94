import { iso } from '../clock.js';
import type { Deps } from '../deps.js';
import { notFound } from '../errors.js';
import type { AuthContext } from '../http/auth.js';
import type { Schema } from '../http/contract.js';
import { newId } from '../ids.js';
import { ownedBy } from './access.js';
import { checkContentType, decodeBase64Strict } from './document-content.js';
import { findPort, insertDocument, updatePortIfStatus } from './store.js';
import { assertDocumentsOpen, changedMeanwhile, type PortStatus } from './transitions.js';
import { type NumberPort, viewOf } from './view.js';

export type DocumentInput = Schema<'PortDocumentCreate'>;

/**
 * Attaches a file to a draft request. No event: a document changes no status, and the request's
 * subscribers care about status. Answers the request, so the caller sees what submit will check.
 */
export async function addDocument(deps: Deps, auth: AuthContext, id: string, input: DocumentInput): Promise<NumberPort> {
  const now = deps.clock.now();
  const at = iso(now);
  return deps.db.transaction().execute(async (tx) => {
    const row = await findPort(tx, ownedBy(auth), id);
    if (!row) throw notFound('porting request', id);
    // Status before content: a request past draft takes no file, however good the file is.
    assertDocumentsOpen(row.status as PortStatus);
    const bytes = decodeBase64Strict(input.content_base64);
    checkContentType(bytes, input.content_type);
    // Touching the row while it is still a draft locks it (PostgreSQL) against a racing submit,
    // which would otherwise send the carrier a request without this document.
    if (!(await updatePortIfStatus(tx, id, 'draft', { updated_at: at }))) {
      const fresh = await findPort(tx, ownedBy(auth), id);
      assertDocumentsOpen((fresh?.status ?? row.status) as PortStatus);
      throw changedMeanwhile();
    }
    await insertDocument(tx, {
      id: newId('portDocument', now),
      port_id: id,
      account_id: row.account_id,
      kind: input.kind,
      filename: input.filename,
      content_type: input.content_type,
      size: bytes.length,
      content_base64: input.content_base64,
      created_at: at,
    });
    return viewOf(tx, { ...row, updated_at: at });
  });
}
