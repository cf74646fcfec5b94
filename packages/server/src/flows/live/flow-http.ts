import { signHeaders } from '@prolope/webhooks';
import type { EffectResult, FlowEffect } from '@prolope/rules';
import type { FetchLike } from '../../http/safe-fetch.js';
import { newId } from '../../ids.js';
import { readCapped } from '../../telephony/verbs/read-capped.js';

// A flow saves a few fields of the answer; anything near this size is a mistake on the other side.
const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * A flow's `http` node: the customer's URL asked like a voice application is (JSON body for POST,
 * query parameters for GET, Standard Webhooks signature over what is sent when the number has a
 * signing secret), within the node's timeout. A network error, the timeout or an answer that is too
 * large is `http_failed` (the node's failure branch); any status is handed back for the interpreter
 * to judge, with the body parsed as JSON when it is JSON.
 */
export async function flowHttp(
  effect: Extract<FlowEffect, { kind: 'http' }>,
  o: { secret: string | undefined; signal: AbortSignal; fetch?: FetchLike | undefined },
): Promise<EffectResult> {
  try {
    const url = new URL(effect.url);
    let body: string | undefined;
    if (effect.method === 'GET') for (const [k, v] of Object.entries(effect.body ?? {})) url.searchParams.set(k, v);
    else body = JSON.stringify(effect.body ?? {});
    const payload = body ?? url.search.slice(1);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'Prolope-Flow/1',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(o.secret ? signHeaders({ id: newId('message'), payload, secret: o.secret }) : {}),
    };
    const res = await (o.fetch ?? fetch)(url, {
      method: effect.method,
      headers,
      body,
      signal: AbortSignal.any([o.signal, AbortSignal.timeout(effect.timeout_seconds * 1000)]),
    });
    const text = (await readCapped(res, MAX_ANSWER_BYTES)).toString('utf8');
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { kind: 'http', status: res.status, body: parsed };
  } catch (err) {
    // The call ending is not the customer's failure: the run stops there anyway.
    if (o.signal.aborted) throw err;
    return { kind: 'http_failed', reason: err instanceof Error ? err.message : String(err) };
  }
}
