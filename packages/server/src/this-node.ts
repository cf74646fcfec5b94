/**
 * This server process as other processes sharing the database reach it: its API address
 * (PROLOPE_NODE_URL, else the address it listens on) and, with PostgreSQL, its node id
 * (PROLOPE_NODE_ID, else one made at start) that live calls it carries record, so a live action landing
 * on another process is sent here (calls/remote-control/).
 *
 * Not a plain immutable value, and why: the listen address is known only once the API listens (port 0
 * picks one, as tests do), while the calls domain and voice that record it are built before the app,
 * and the app must exist before it can listen. So the address is set once, by startServer right after
 * listen (a second set throws), and read at call time; nothing reads it before (no call is placed or
 * taken before the server listens). The id never changes.
 */
export class ThisNode {
  /** Undefined on SQLite: one process holds every call. */
  readonly id: string | undefined;
  readonly #configuredUrl: string | undefined;
  #listenUrl: string | undefined;

  constructor(opts: { url?: string | undefined; id?: string | undefined } = {}) {
    this.#configuredUrl = opts.url;
    this.id = opts.id;
  }

  /** Records where the API listens (e.g. http://127.0.0.1:3000); once, right after listen. */
  listening(address: string): void {
    if (this.#listenUrl !== undefined) throw new Error(`this node already listens at ${this.#listenUrl}`);
    this.#listenUrl = address;
  }

  /** The API address other processes use: PROLOPE_NODE_URL, else the listen address (undefined before listen). */
  get url(): string | undefined {
    return this.#configuredUrl ?? this.#listenUrl;
  }

  /** Where the API listens (undefined before listen). */
  get listenUrl(): string | undefined {
    return this.#listenUrl;
  }
}
