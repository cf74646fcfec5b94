import { Agent, fetch as undiciFetch } from 'undici';
import { guardedConnector } from './ssrf-guard.js';
import type { UrlPolicy } from './url-policy.js';

/** The part of fetch the voice side uses; the global fetch fits, so tests and tools may pass it. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * fetch for URLs customers give us (voice applications, prompts, status callbacks), held to the same
 * SSRF rules as webhook deliveries: every connection, redirects included, passes the guard, so a URL
 * cannot reach loopback, private or link-local addresses outside development mode.
 */
export function safeFetch(policy: UrlPolicy): FetchLike {
  const dispatcher = new Agent({ connect: guardedConnector(policy, CONNECT_TIMEOUT_MS), keepAliveTimeout: 4_000 });
  // undici's own fetch (not the global one, whose bundled undici may differ) so the dispatcher applies.
  return ((url, init) => undiciFetch(url, { ...(init as object), dispatcher } as never)) as FetchLike;
}
