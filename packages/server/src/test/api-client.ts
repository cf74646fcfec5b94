import { validateResponse } from './spec-validator.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  key?: string | undefined;
  body?: unknown;
  /** Sent as is, for malformed-input tests. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * A small fetch client for tests that checks every response against the spec (status documented,
 * body valid) and that it carries Prolope-Request-Id. A test that gets a response the contract does
 * not describe fails, whatever it asserts itself.
 */
export function apiClient(baseUrl: string, defaultKey?: string) {
  async function request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const key = 'key' in opts ? opts.key : defaultKey;
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers };
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    const parsed = text && type.includes('json') ? JSON.parse(text) : text;
    if (!res.headers.get('prolope-request-id')) throw new Error(`${method} ${path}: response has no Prolope-Request-Id`);
    if (type.includes('json') || res.status >= 400) {
      const problems = validateResponse(method, path, res.status, type, parsed);
      if (problems.length > 0) {
        throw new Error(`${method} ${path} -> ${res.status} does not match the spec:\n  ${problems.join('\n  ')}\nbody: ${text.slice(0, 500)}`);
      }
    }
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
  return {
    request,
    get: <T = any>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T = any>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
    patch: <T = any>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
    delete: <T = any>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
