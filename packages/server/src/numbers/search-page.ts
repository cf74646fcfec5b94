import type { Page } from '../http/pagination.js';

/**
 * A page of search results. Search is in number order, not id order, so the cursor is the last
 * number shown (pageOf's cursor is an id); one row beyond the limit tells whether there is more.
 */
export function searchPage<T extends { number: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const hasMore = rows.length > limit;
  return {
    object: 'list',
    data,
    has_more: hasMore,
    next_cursor: hasMore ? (data[data.length - 1]?.number ?? null) : null,
  };
}

/**
 * A prefix (`starts_with`) or cursor (`starting_after`) in E.164 form. `3592` and `+3592` mean the
 * same; and a `+` written unencoded in a query string arrives as a space, so that is read as `+` too.
 */
export function asE164Prefix(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return `+${raw.trim().replace(/^\+/, '')}`;
}
