/**
 * One page of a list, as every list operation answers it.
 *
 * @example
 * ```ts
 * const page: ListPage<ApiKey> = await prolope.apiKeys.list({ limit: 10 });
 * if (page.has_more) await prolope.apiKeys.list({ starting_after: page.next_cursor! });
 * ```
 */
export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

/**
 * Options of {@link PagePromise.autoPaginate} and {@link paginate}.
 *
 * @example
 * ```ts
 * const options: AutoPaginateOptions = { max: 500 };
 * ```
 */
export interface AutoPaginateOptions {
  /**
   * The most items to yield. Required so a loop over a large account cannot run away;
   * pass `Infinity` to fetch everything on purpose.
   */
  max: number;
}

function checkMax(options: AutoPaginateOptions | undefined, where: string): number {
  const max = options?.max;
  if (typeof max !== 'number' || Number.isNaN(max) || max < 0 || (!Number.isInteger(max) && max !== Number.POSITIVE_INFINITY)) {
    throw new TypeError(
      `${where} needs { max }: the most items to fetch, e.g. { max: 1000 } (or { max: Infinity } to fetch every page on purpose); got ${String(max)}`,
    );
  }
  return max;
}

async function* iterate<Item>(
  fetchPage: (startingAfter: string | undefined) => PromiseLike<ListPage<Item>>,
  max: number,
): AsyncGenerator<Item, void, undefined> {
  let yielded = 0;
  let cursor: string | undefined;
  while (yielded < max) {
    const page = await fetchPage(cursor);
    for (const item of page.data) {
      if (yielded >= max) return;
      yield item;
      yielded++;
    }
    // Trust next_cursor over has_more: a page that says more but gives no cursor would loop forever.
    if (!page.has_more || !page.next_cursor || page.next_cursor === cursor) return;
    cursor = page.next_cursor;
  }
}

/**
 * What a list method returns: await it for the first page, or call `.autoPaginate({ max })` to
 * iterate items across pages. The request starts when you first await or iterate it, and the
 * first page is fetched only once either way.
 *
 * @example
 * ```ts
 * const page = await prolope.contacts.list({ limit: 50 });
 * for await (const contact of prolope.contacts.list({ limit: 100 }).autoPaginate({ max: 1000 })) {
 *   console.log(contact.email);
 * }
 * ```
 */
export class PagePromise<Page extends ListPage<unknown>> implements PromiseLike<Page> {
  readonly #fetchPage: (startingAfter: string | undefined) => Promise<Page>;
  #first: Promise<Page> | undefined;

  /** @param fetchPage fetches the page after `startingAfter`, or the first page when undefined. */
  constructor(fetchPage: (startingAfter: string | undefined) => Promise<Page>) {
    this.#fetchPage = fetchPage;
  }

  #page(startingAfter: string | undefined): Promise<Page> {
    if (startingAfter !== undefined) return this.#fetchPage(startingAfter);
    this.#first ??= this.#fetchPage(undefined);
    return this.#first;
  }

  // biome-ignore lint/suspicious/noThenProperty: being awaitable is the point of a PagePromise.
  then<R1 = Page, R2 = never>(
    onfulfilled?: ((page: Page) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#page(undefined).then(onfulfilled, onrejected);
  }

  /** Like `Promise.prototype.catch`, for the first page. */
  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page | R> {
    return this.#page(undefined).catch(onrejected);
  }

  /** Like `Promise.prototype.finally`, for the first page. */
  finally(onfinally?: (() => void) | null): Promise<Page> {
    return this.#page(undefined).finally(onfinally);
  }

  /**
   * Yields items from this page and the following ones, up to `max` items, fetching each next
   * page with `starting_after` set to the previous page's `next_cursor`.
   *
   * @throws TypeError at once when `max` is missing.
   * @example
   * ```ts
   * for await (const key of prolope.apiKeys.list().autoPaginate({ max: 200 })) console.log(key.id);
   * ```
   */
  autoPaginate(options: AutoPaginateOptions): AsyncGenerator<Page['data'][number], void, undefined> {
    const max = checkMax(options, 'autoPaginate()');
    return iterate<Page['data'][number]>((after) => this.#page(after), max);
  }
}

/**
 * Iterates the items of any list method across pages, up to `max` items.
 *
 * @example
 * ```ts
 * import { paginate } from '@prolope/sdk';
 * for await (const account of paginate(prolope.accounts.list, { limit: 100 }, { max: 5000 })) {
 *   console.log(account.name);
 * }
 * ```
 */
export function paginate<Params extends object | undefined, Item>(
  listFn: (params: Params) => PromiseLike<ListPage<Item>>,
  params: Params,
  options: AutoPaginateOptions,
): AsyncGenerator<Item, void, undefined> {
  const max = checkMax(options, 'paginate()');
  return iterate<Item>((after) => listFn(after === undefined ? params : ({ ...params, starting_after: after } as Params)), max);
}
