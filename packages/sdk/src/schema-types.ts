import type { components, paths } from '@prolope/contract/schema';

/**
 * A named schema from the API spec.
 *
 * @example
 * ```ts
 * type ApiKey = Schema<'ApiKey'>;
 * type Contact = Schema<'Contact'>;
 * ```
 */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/**
 * Every API path with its methods, as openapi-typescript generated them; the type parameter of
 * `prolope.raw`.
 *
 * @example
 * ```ts
 * type RetrieveKey = Paths['/v1/api-keys/{id}']['get'];
 * ```
 */
export type Paths = paths;
