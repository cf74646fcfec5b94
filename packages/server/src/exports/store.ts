import type { Schema } from '../http/contract.js';
import { accountPage } from '../store/account-page.js';
import type { Db, Tx } from '../store/db.js';
import type { ExportsTable } from '../store/schema.js';

export type ExportRow = ExportsTable;

/** The storage key of an export archive in deps.exportFiles. */
export function exportKey(accountId: string, exportId: string): string {
  return `${accountId}/${exportId}`;
}

export type Export = Schema<'Export'>;

/** Whether the archive may no longer be downloaded: its time ran out (computed on read, no job flips the row). */
export function isExpired(row: Pick<ExportRow, 'status' | 'expires_at'>, now: Date): boolean {
  return row.status === 'expired' || new Date(row.expires_at).getTime() <= now.getTime();
}

export function toExport(row: ExportRow, now: Date): Export {
  return {
    id: row.id,
    object: 'export',
    account_id: row.account_id,
    status: isExpired(row, now) ? 'expired' : 'completed',
    size_bytes: Number(row.size_bytes),
    files: JSON.parse(row.files) as string[],
    created_at: row.created_at,
    expires_at: row.expires_at,
  };
}

export async function insertExport(tx: Tx, row: ExportRow): Promise<void> {
  await tx.insertInto('exports').values(row).execute();
}

export async function findExport(db: Db | Tx, id: string): Promise<ExportRow | undefined> {
  return db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The account's exports, newest first; one row more than `limit` tells the page there is more. */
export async function listExports(db: Db, accountId: string, limit: number, startingAfter?: string): Promise<ExportRow[]> {
  return accountPage(db, 'exports', accountId, limit, startingAfter);
}
