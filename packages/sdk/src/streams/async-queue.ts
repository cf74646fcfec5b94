/**
 * What a stream has received and its reader has not read yet: one reader awaits `next()`, the
 * connection side pushes values and finally ends the queue, with an error or without.
 */
export class AsyncQueue<T> {
  readonly #items: T[] = [];
  #waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  #failure: { error: unknown } | undefined;
  #ended = false;

  get ended(): boolean {
    return this.#ended;
  }

  push(value: T): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) waiter.resolve({ done: false, value });
    else this.#items.push(value);
  }

  /** No more values: the reader gets what is queued (unless `drop`), then `done`, or the error. */
  end(failure?: { error: unknown }, drop = false): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#failure = failure;
    if (drop) this.#items.length = 0;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (!waiter) return;
    if (failure) waiter.reject(failure.error);
    else waiter.resolve({ done: true, value: undefined });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) return Promise.resolve({ done: false, value: this.#items.shift() as T });
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }
}
