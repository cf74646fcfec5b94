import type { Schema } from '../http/contract.js';
import type { Db, Tx } from '../store/db.js';
import type { PortStatus } from './transitions.js';
import { type DocumentSummary, documentsOf, type PortRow } from './store.js';

export type OwnershipDeclaration = Schema<'OwnershipDeclaration'>;
export type NumberPort = Schema<'NumberPort'>;
export type HistoryEntry = NumberPort['history'][number];

export function toPortDocument(row: DocumentSummary): Schema<'PortDocument'> {
  return {
    id: row.id,
    object: 'port_document',
    kind: row.kind as Schema<'PortDocument'>['kind'],
    filename: row.filename,
    content_type: row.content_type,
    size: row.size,
    created_at: row.created_at,
  };
}

export function toNumberPort(row: PortRow, documents: DocumentSummary[]): NumberPort {
  return {
    id: row.id,
    object: 'number_port',
    account_id: row.account_id,
    numbers: JSON.parse(row.numbers) as string[],
    losing_carrier: row.losing_carrier,
    status: row.status as PortStatus,
    declaration: JSON.parse(row.declaration) as OwnershipDeclaration,
    documents: documents.map(toPortDocument),
    foc_date: row.foc_date,
    rejection_reason: row.rejection_reason,
    history: JSON.parse(row.history) as HistoryEntry[],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The request as the API answers it, with its documents read in the same transaction. */
export async function viewOf(db: Db | Tx, row: PortRow): Promise<NumberPort> {
  const docs = await documentsOf(db, [row.id]);
  return toNumberPort(row, docs.get(row.id) ?? []);
}

/** Many requests with their documents, in one query for all the documents. */
export async function viewsOf(db: Db | Tx, rows: PortRow[]): Promise<NumberPort[]> {
  const docs = await documentsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toNumberPort(r, docs.get(r.id) ?? []));
}
