import type { Db, Tx } from '../store/db.js';
import type { NumberPortsTable, PortDocumentsTable } from '../store/schema.js';

export type PortRow = NumberPortsTable;
export type DocumentRow = PortDocumentsTable;
/** A document as listed with its request: the file itself stays in the store. */
export type DocumentSummary = Omit<DocumentRow, 'content_base64'>;

/** Whose requests a caller may see: one account's, or (the operator) every account's. */
export type Owner = { accountId: string } | 'any';

export async function insertPort(tx: Tx, row: PortRow): Promise<void> {
  await tx.insertInto('number_ports').values(row).execute();
}

export async function findPort(db: Db | Tx, owner: Owner, id: string): Promise<PortRow | undefined> {
  return db
    .selectFrom('number_ports')
    .selectAll()
    .where('id', '=', id)
    .$if(owner !== 'any', (q) => q.where('account_id', '=', (owner as { accountId: string }).accountId))
    .executeTakeFirst();
}

export async function listPorts(db: Db, owner: Owner, limit: number, startingAfter?: string): Promise<PortRow[]> {
  return db
    .selectFrom('number_ports')
    .selectAll()
    .$if(owner !== 'any', (q) => q.where('account_id', '=', (owner as { accountId: string }).accountId))
    .$if(!!startingAfter, (q) => q.where('id', '<', startingAfter as string))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/**
 * Changes a request only if it still has the status the caller decided from. On PostgreSQL the
 * update also locks the row, so two racing transitions (or an upload racing a submit) serialise
 * and the loser sees 0 rows instead of overwriting the winner.
 */
export async function updatePortIfStatus(tx: Tx, id: string, expected: string, patch: Partial<PortRow>): Promise<boolean> {
  const res = await tx.updateTable('number_ports').set(patch).where('id', '=', id).where('status', '=', expected).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function insertDocument(tx: Tx, row: DocumentRow): Promise<void> {
  await tx.insertInto('port_documents').values(row).execute();
}

/** The documents of these requests, oldest first, without their content. */
export async function documentsOf(db: Db | Tx, portIds: string[]): Promise<Map<string, DocumentSummary[]>> {
  const out = new Map<string, DocumentSummary[]>(portIds.map((id) => [id, []]));
  if (portIds.length === 0) return out;
  const rows = await db
    .selectFrom('port_documents')
    .select(['id', 'port_id', 'account_id', 'kind', 'filename', 'content_type', 'size', 'created_at'])
    .where('port_id', 'in', portIds)
    .orderBy('id', 'asc')
    .execute();
  for (const row of rows) out.get(row.port_id)?.push(row);
  return out;
}

export async function hasDocumentOfKind(db: Db | Tx, portId: string, kind: string): Promise<boolean> {
  const row = await db.selectFrom('port_documents').select('id').where('port_id', '=', portId).where('kind', '=', kind).executeTakeFirst();
  return row !== undefined;
}

/** One document with its file, if it belongs to the given port. */
export async function findDocument(db: Db | Tx, portId: string, documentId: string): Promise<DocumentRow | undefined> {
  return db.selectFrom('port_documents').selectAll().where('port_id', '=', portId).where('id', '=', documentId).executeTakeFirst();
}
