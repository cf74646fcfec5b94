/**
 * One page of a list, as every list operation answers it.
 *
 * @example
 * ```ts
 * const page: Page = { object: 'list', data: [], has_more: false, next_cursor: null };
 * ```
 */
export interface Page {
  object: 'list';
  data: unknown[];
  has_more: boolean;
  next_cursor: string | null;
}

function idOf(item: unknown): string | null {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
}

/**
 * Fetches pages until the list ends or `max` items are in hand, asking each page for no more
 * than is still needed. Returns one page holding every item: `has_more` and `next_cursor` say
 * where a later call would carry on.
 *
 * @example
 * ```ts
 * const all = await fetchAll((after, limit) => prolope.request('contacts.list', { query: { limit, starting_after: after } }) as Promise<Page>, { max: 500, pageSize: 100 });
 * ```
 */
export async function fetchAll(
  fetchPage: (startingAfter: string | undefined, limit: number) => Promise<Page>,
  options: { max: number; pageSize: number; startingAfter?: string | undefined },
): Promise<Page> {
  const data: unknown[] = [];
  let cursor = options.startingAfter;
  for (;;) {
    const room = options.max - data.length;
    const page = await fetchPage(cursor, Math.max(1, Math.min(options.pageSize, room)));
    const taken = page.data.slice(0, room);
    data.push(...taken);
    if (taken.length < page.data.length) {
      return { object: 'list', data, has_more: true, next_cursor: idOf(taken[taken.length - 1]) };
    }
    // Trust next_cursor over has_more: a page claiming more without a new cursor would loop forever.
    const more = page.has_more && !!page.next_cursor && page.next_cursor !== cursor;
    if (!more || data.length >= options.max) {
      return { object: 'list', data, has_more: more, next_cursor: more ? page.next_cursor : null };
    }
    cursor = page.next_cursor ?? undefined;
  }
}
