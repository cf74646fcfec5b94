import createClient, { type Client } from 'openapi-fetch';
import { type CallContext, callOperation } from './call-operation.js';
import type { OperationId } from '@prolope/contract/operations';
import type { paths } from '@prolope/contract/schema';
import { authMiddleware, idempotencyMiddleware } from './middleware.js';
import type { LooseRequestParams, RequestArgs, RequestReturn, Resources } from './operation-types.js';
import { type ProlopeOptions, type RequestOptions, resolveOptions } from './options.js';
import { buildResources } from './resources.js';
import { createRetryingFetch } from './retry.js';
import { VERSION } from './version.js';

function userAgent(suffix: string | undefined): string {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  return [`prolope-sdk-js/${VERSION}`, node ? `node/${node}` : undefined, suffix].filter(Boolean).join(' ');
}

class ProlopeClient {
  /**
   * The typed openapi-fetch client underneath, for calling paths directly. It shares the SDK's
   * auth, idempotency keys, retries and middleware, but answers `{ data, error, response }`
   * instead of throwing.
   *
   * @example
   * ```ts
   * const { data, error } = await prolope.raw.GET('/v1/api-keys/{id}', { params: { path: { id: 'key_123' } } });
   * ```
   */
  readonly raw: Client<paths>;
  readonly #ctx: CallContext;

  constructor(options: ProlopeOptions = {}) {
    const resolved = resolveOptions(options);
    this.raw = createClient<paths>({
      baseUrl: resolved.baseUrl,
      headers: { Accept: 'application/json', 'User-Agent': userAgent(resolved.userAgent) },
      fetch: createRetryingFetch(resolved),
    });
    // Order matters: user middleware runs after ours, so it sees (and may change) the auth header
    // and the Idempotency-Key that every retry will reuse.
    this.raw.use(authMiddleware(resolved.apiKey), idempotencyMiddleware(), ...resolved.middleware);
    this.#ctx = { raw: this.raw, options: resolved };

    for (const [name, namespace] of Object.entries(buildResources(this.#ctx))) {
      // A resource named like a client member (`raw`, `request`) stays reachable via request().
      if (name in this) continue;
      Object.defineProperty(this, name, { value: Object.freeze(namespace), enumerable: true });
    }
  }

  /**
   * Calls any operation by id. The resource methods are sugar over this; use it when the
   * operation is chosen at run time (as the CLI does).
   *
   * @example
   * ```ts
   * const key = await prolope.request('apiKeys.retrieve', { path: { id: 'key_123' } });
   * const page = await prolope.request('contacts.list', { query: { limit: 10 } });
   * ```
   */
  request<Id extends OperationId>(operationId: Id, ...args: RequestArgs<Id>): RequestReturn<Id> {
    const [params, opts] = args as [LooseRequestParams | undefined, RequestOptions | undefined];
    return callOperation(this.#ctx, operationId, params, opts) as RequestReturn<Id>;
  }
}

/**
 * A Prolope API client: one namespace per resource (`prolope.apiKeys`, `prolope.contacts`, …),
 * generated from the OpenAPI spec, plus `request()` and the typed `raw` client.
 *
 * @example
 * ```ts
 * const prolope: Prolope = new Prolope({ apiKey: process.env.PROLOPE_API_KEY });
 * ```
 */
export type Prolope = ProlopeClient & Omit<Resources, keyof ProlopeClient>;

// The class cannot declare one member per spec resource, so the constructor is re-typed to
// return the class plus the mapped Resources type; `instanceof Prolope` still works.
/**
 * Creates a client.
 *
 * @example
 * ```ts
 * import { Prolope } from '@prolope/sdk';
 *
 * const prolope = new Prolope({ apiKey: 'pk_live_…', baseUrl: 'https://api.prolope.dev' });
 * const me = await prolope.accounts.me();
 * const key = await prolope.apiKeys.create({ name: 'ci', scopes: ['contacts:read'] });
 * await prolope.contacts.update('ctc_123', { phone: '+359888123456' });
 * ```
 */
export const Prolope = ProlopeClient as unknown as new (options?: ProlopeOptions) => Prolope;
