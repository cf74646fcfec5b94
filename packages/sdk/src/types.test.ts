// Type-level checks: `tsc --noEmit` enforces them (expectTypeOf and @ts-expect-error); at run
// time they only make sure the namespaces exist. Nothing here touches the network.
import { describe, expectTypeOf, it } from 'vitest';
import { type OperationArgs, type OperationId, type OperationResult, type PagePromise, Prolope, type RequestOptions, type Schema, paginate } from './index.js';

const prolope = new Prolope({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' });

describe('types derived from the spec', () => {
  it('orders path params, then body or query, then options', () => {
    expectTypeOf<OperationArgs<'apiKeys.retrieve'>>().toEqualTypeOf<[id: string, opts?: RequestOptions]>();
    expectTypeOf<OperationArgs<'accounts.me'>>().toEqualTypeOf<[opts?: RequestOptions]>();
    expectTypeOf<OperationArgs<'contacts.update'>>().toEqualTypeOf<[id: string, body: Schema<'ContactUpdate'>, opts?: RequestOptions]>();
    expectTypeOf(prolope.apiKeys.list).parameter(0).toEqualTypeOf<{ limit?: number; starting_after?: string } | undefined>();
    expectTypeOf(prolope.health.retrieve).parameters.toEqualTypeOf<[opts?: RequestOptions]>();
  });

  it('resolves to the 2xx body', () => {
    expectTypeOf<OperationResult<'apiKeys.create'>>().toEqualTypeOf<Schema<'ApiKeyWithSecret'>>();
    expectTypeOf(prolope.contacts.delete).returns.resolves.toEqualTypeOf<Schema<'Deleted'>>();
    expectTypeOf(prolope.apiKeys.list()).toEqualTypeOf<PagePromise<Schema<'ApiKeyList'>>>();
    expectTypeOf(prolope.apiKeys.list().autoPaginate({ max: 1 })).toEqualTypeOf<AsyncGenerator<Schema<'ApiKey'>, void, undefined>>();
    expectTypeOf(paginate(prolope.contacts.list, {}, { max: 1 })).toEqualTypeOf<AsyncGenerator<Schema<'Contact'>, void, undefined>>();
  });

  it('resolves a file download to the Response', () => {
    expectTypeOf<OperationResult<'recordings.media'>>().toEqualTypeOf<Response>();
    expectTypeOf(prolope.recordings.media).toEqualTypeOf<(id: string, opts?: RequestOptions) => Promise<Response>>();
    expectTypeOf(prolope.request<'recordings.media'>).returns.resolves.toEqualTypeOf<Response>();
  });

  it('types request() by operation id, loosely when the id is chosen at run time', () => {
    expectTypeOf(prolope.request<'accounts.me'>).returns.resolves.toEqualTypeOf<Schema<'Account'>>();
    expectTypeOf(prolope.request<OperationId>)
      .parameter(1)
      .toEqualTypeOf<{ path?: Record<string, string | number>; query?: Record<string, unknown>; body?: unknown } | undefined>();
  });

  it('refuses wrong calls', () => {
    const never = () => {
      // @ts-expect-error the body is required
      void prolope.contacts.update('ctc_1');
      // @ts-expect-error api keys cannot be deleted
      void prolope.apiKeys.delete('key_1');
      // @ts-expect-error scopes are an enum
      void prolope.apiKeys.create({ name: 'x', scopes: ['everything'] });
      // @ts-expect-error the path object is required for an operation with an {id}
      void prolope.request('apiKeys.retrieve', {});
      // @ts-expect-error `max` is required
      void prolope.apiKeys.list().autoPaginate({});
    };
    expectTypeOf(never).toBeFunction();
  });
});
