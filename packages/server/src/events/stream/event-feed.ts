import { decodeTime, encodeTime } from 'ulid';
import type { Db } from '../../store/db.js';
import { matchesAny } from '../filters.js';

const PAGE = 200;
const PREFIX = 'evt_';

/** One committed event as a stream sends it: its stored payload, unchanged. */
export interface FeedEvent {
  id: string;
  type: string;
  payload: string;
}

/** The newest event id of an account, or '' when it has none: a stream that starts "now" sends what comes after it. */
export async function newestEventId(db: Db, accountId: string): Promise<string> {
  const row = await db.selectFrom('events').select('id').where('account_id', '=', accountId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? '';
}

/** The smallest event id that could have been made `ms` before `id` (ULIDs start with their time). */
function idBefore(id: string, ms: number): string {
  const at = decodeTime(id.slice(PREFIX.length)) - ms;
  return `${PREFIX}${encodeTime(Math.max(0, at), 10)}${'0'.repeat(16)}`;
}

/**
 * Reads an account's committed events after a cursor, in id order, each once.
 *
 * Ids are ULIDs made inside the writing transaction. On SQLite one process writes at a time and the
 * monotonic factory never goes back, so commit order is id order and the cursor is simply the last
 * id read. On PostgreSQL two transactions (or processes) can commit out of id order; there every
 * read looks back `lookbackMs` before the last id and skips the ids it has already returned, so a
 * late commit within that window is still sent.
 */
export class EventFeed {
  readonly #db: Db;
  readonly #accountId: string;
  readonly #filters: readonly string[];
  readonly #lookbackMs: number;
  readonly #start: string;
  #last: string;
  readonly #recent = new Set<string>();

  constructor(db: Db, accountId: string, opts: { after: string; filters: readonly string[]; lookbackMs: number }) {
    this.#db = db;
    this.#accountId = accountId;
    this.#filters = opts.filters;
    this.#lookbackMs = opts.lookbackMs;
    this.#start = opts.after;
    this.#last = opts.after;
  }

  /** The highest event id read so far (sent or filtered out). */
  get cursor(): string {
    return this.#last;
  }

  /**
   * Events committed since the last call that pass the filters, oldest first, reading at most one
   * page of rows; `more` says another call has more to read (a long backlog after `starting_after`).
   */
  async next(): Promise<{ events: FeedEvent[]; more: boolean }> {
    let floor = this.#last;
    if (this.#lookbackMs > 0 && this.#last !== '') {
      // Never before the stream's start: events up to it are not this stream's to send.
      floor = this.#start;
      const back = idBefore(this.#last, this.#lookbackMs);
      if (back > floor) floor = back;
    }
    for (const id of this.#recent) if (id <= floor) this.#recent.delete(id);
    const events: FeedEvent[] = [];
    for (;;) {
      const rows = await this.#db
        .selectFrom('events')
        .select(['id', 'type', 'payload'])
        .where('account_id', '=', this.#accountId)
        .where('id', '>', floor)
        .orderBy('id', 'asc')
        .limit(PAGE)
        .execute();
      let fresh = 0;
      for (const row of rows) {
        floor = row.id;
        if (this.#recent.has(row.id)) continue;
        fresh++;
        if (this.#lookbackMs > 0) this.#recent.add(row.id);
        if (row.id > this.#last) this.#last = row.id;
        if (this.#filters.length === 0 || matchesAny(this.#filters, row.type)) events.push(row);
      }
      if (rows.length < PAGE) return { events, more: false };
      // A full page of rows already sent (the look-back window) says nothing: read on past it.
      if (fresh > 0) return { events, more: true };
    }
  }
}
