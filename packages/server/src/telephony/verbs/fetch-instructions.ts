import { signHeaders } from '@prolope/webhooks';
import type { FetchLike } from '../../http/safe-fetch.js';
import { newId } from '../../ids.js';
import { parseInstructions } from './instructions-schema.js';
import { readCapped } from './read-capped.js';
import type { InstructionSource, Verb } from './verb-types.js';

/** How long a voice application has to answer, as the spec promises (VoiceApplicationInput.fallback_url). */
export const INSTRUCTIONS_TIMEOUT_MS = 10_000;
// Instructions are a short JSON list; anything near this size is a mistake on the other side.
const MAX_INSTRUCTIONS_BYTES = 1024 * 1024;

/** What every request to a voice application needs: the body fields, the signing secret, the call's signal. */
export interface SignedRequest {
  fields: Record<string, string | number>;
  /** Undefined only when the number lost its voice application mid-call; the request then goes unsigned. */
  secret: string | undefined;
  signal: AbortSignal;
  /** How to fetch (SSRF-guarded in the server, see http/safe-fetch.ts); default: the global fetch. */
  fetch?: FetchLike | undefined;
}

/**
 * Asks a voice application for instructions: POST with the fields as JSON, or GET with them as query
 * parameters, signed per Standard Webhooks. Throws on a network error, the 10 s timeout, a non-2xx
 * status, or an answer that is not valid Instructions.
 */
export async function fetchInstructions(source: InstructionSource, req: SignedRequest): Promise<Verb[]> {
  const url = new URL(source.url);
  let body: string | undefined;
  if (source.method === 'GET') for (const [k, v] of Object.entries(req.fields)) url.searchParams.set(k, String(v));
  else body = JSON.stringify(req.fields);
  // A GET has no body, so the signature covers the query string exactly as sent (any query the
  // application put in its own URL included): signing an empty body would leave the fields unauthenticated.
  const payload = body ?? url.search.slice(1);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'Prolope-Voice/1',
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(req.secret ? signHeaders({ id: newId('message'), payload, secret: req.secret }) : {}),
  };
  const res = await (req.fetch ?? fetch)(url, {
    method: source.method,
    headers,
    body,
    signal: AbortSignal.any([req.signal, AbortSignal.timeout(INSTRUCTIONS_TIMEOUT_MS)]),
  });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`${source.method} ${source.url} answered ${res.status}`);
  }
  const text = (await readCapped(res, MAX_INSTRUCTIONS_BYTES)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${source.method} ${source.url} answered something that is not JSON`);
  }
  return parseInstructions(parsed);
}

/** Why neither the voice application nor its fallback gave instructions. */
export interface FetchFailure {
  reasons: string[];
}

/**
 * The call's first instructions: from the primary URL, else from the fallback when there is one.
 * Returns the failure reasons instead of throwing, because the caller still has to tell the caller.
 */
export async function fetchWithFallback(sources: InstructionSource[], req: SignedRequest): Promise<Verb[] | FetchFailure> {
  const reasons: string[] = [];
  for (const source of sources) {
    try {
      return await fetchInstructions(source, req);
    } catch (err) {
      if (req.signal.aborted) throw err;
      reasons.push(`${source.url}: ${(err as Error).message}`);
    }
  }
  return { reasons };
}
