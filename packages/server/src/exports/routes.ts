import { defineHandlers, type ReqWithId } from '../http/typed-handlers.js';
import { readableAccount } from '../billing/access.js';
import { dataDeletionDate, sofiaStartOfDay } from '@prolope/rules';
import { billingNow } from '../billing/today.js';
import { iso } from '../clock.js';
import type { Deps, Handlers } from '../deps.js';
import { notFound, ProblemError } from '../errors.js';
import { authOf } from '../http/auth.js';
import { limitOf, pageOf } from '../http/pagination.js';
import { newId } from '../ids.js';
import type { AccountsTable } from '../store/schema.js';
import { buildArchive } from './archive.js';
import { type ExportRow, exportKey, findExport, insertExport, isExpired, listExports, toExport } from './store.js';

/** How long an archive may be downloaded: a week, or until the account's data is deleted if sooner. */
export const EXPORT_AVAILABLE_DAYS = 7;
const DAY_MS = 86_400_000;

function dataDeleted(account: AccountsTable, when: string): ProblemError {
  return new ProblemError(
    'account_data_deleted',
    `The 30 days of data retention after the agreement ended are over for account ${account.id} (terms 13.3): its data is deleted as of ${when}, so there is nothing left to export. Invoices are kept as the Accounting Act requires: GET /v1/invoices.`,
  );
}

/**
 * When the export stops being downloadable: EXPORT_AVAILABLE_DAYS after `now`, or the start (Sofia) of
 * the day the terminated account's data is deleted. The deletion day is on the account's billing clock
 * (its test clock for a test account), so the time left is measured there and added to the server's now.
 * Throws account_data_deleted when that day has come (the deletion job may not have run yet).
 */
async function expiryOf(deps: Deps, account: AccountsTable, now: Date): Promise<Date> {
  const week = now.getTime() + EXPORT_AVAILABLE_DAYS * DAY_MS;
  if (!account.terminated_on) return new Date(week);
  const deletionDay = dataDeletionDate(account.terminated_on);
  const billingTime = account.test_clock_id ? await billingNow(deps.db, account, deps.clock) : now;
  const left = sofiaStartOfDay(deletionDay).getTime() - billingTime.getTime();
  if (left <= 0) throw dataDeleted(account, deletionDay);
  return new Date(Math.min(week, now.getTime() + left));
}

/** An export the key may see (its account's, a subaccount's, or any for the operator), or 404. */
async function readableExport(deps: Deps, req: ReqWithId): Promise<ExportRow> {
  const { id } = req.params;
  const row = await findExport(deps.db, id);
  if (!row) throw notFound('export', id);
  try {
    await readableAccount(deps, authOf(req), row.account_id);
  } catch (err) {
    if (err instanceof ProblemError && err.code === 'not_found') throw notFound('export', id);
    throw err;
  }
  return row;
}

export function exportRoutes(deps: Deps): Handlers {
  return defineHandlers({
    'exports.create': async (req) => {
      const account = await readableAccount(deps, authOf(req), req.body.account);
      if (account.data_deleted_at) throw dataDeleted(account, account.data_deleted_at);
      const now = deps.clock.now();
      const expiresAt = await expiryOf(deps, account, now);
      const id = newId('export', now);
      const archive = await buildArchive(deps.db, deps.recordings, account, now);
      const key = exportKey(account.id, id);
      // The file first, then the row: a row always has its archive. Should the row not commit, the
      // archive goes too (best effort; an orphan file is only disk, never visible through the API).
      await deps.exportFiles.put(key, Buffer.from(archive.zip.buffer, archive.zip.byteOffset, archive.zip.byteLength));
      const row: ExportRow = {
        id,
        account_id: account.id,
        status: 'completed',
        size_bytes: archive.zip.byteLength,
        files: JSON.stringify(archive.files),
        created_at: iso(now),
        expires_at: iso(expiresAt),
      };
      try {
        // In a transaction, like every change: that is what confirms an Idempotency-Key claim (http/idempotency.ts).
        await deps.db.transaction().execute((tx) => insertExport(tx, row));
      } catch (err) {
        await deps.exportFiles.delete(key).catch(() => undefined);
        throw err;
      }
      return toExport(row, now);
    },
    'exports.list': async (req) => {
      const q = req.query;
      const account = await readableAccount(deps, authOf(req), q.account).catch((err: unknown) => {
        // The spec documents no 404 for a list: an account the key may not read is a 403 here.
        if (err instanceof ProblemError && err.code === 'not_found') {
          throw new ProblemError(
            'forbidden',
            `This API key may not list the exports of account ${q.account}: only its own account's, its subaccounts', or (the operator) any.`,
            {
              param: '/query/account',
            },
          );
        }
        throw err;
      });
      const rows = await listExports(deps.db, account.id, limitOf(q), q.starting_after);
      const page = pageOf(rows, limitOf(q));
      const now = deps.clock.now();
      return { ...page, data: page.data.map((row) => toExport(row, now)) };
    },
    'exports.retrieve': async (req) => toExport(await readableExport(deps, req), deps.clock.now()),
    'exports.download': async (req, reply) => {
      const row = await readableExport(deps, req);
      const gone = () =>
        new ProblemError(
          'not_found',
          `Export ${row.id} is no longer available (it expired at ${row.expires_at}, or the account's data was deleted). Request a new one with POST /v1/exports.`,
        );
      if (isExpired(row, deps.clock.now())) throw gone();
      const zip = await deps.exportFiles.get(exportKey(row.account_id, row.id));
      if (!zip) throw gone();
      return reply.type('application/zip').header('content-disposition', `attachment; filename="prolope-export-${row.id}.zip"`).send(zip);
    },
  });
}
