import type { Prolope } from '@prolope/sdk';
import type { TestCallResult } from '@prolope/server';

/**
 * The CDR fields `prolope call test` prints (a subset of the API's Call).
 *
 * @example
 * ```ts
 * const cdr: Cdr = { id: 'call_1', status: 'completed', sip_call_id: 'abc@prolope-test-caller', sip_code: 200, hangup_by: 'callee', hangup_cause: 'normal', duration_seconds: 3, ended_at: '2026-01-01T00:00:03Z' };
 * ```
 */
export interface Cdr {
  id: string;
  status: string;
  sip_call_id: string;
  sip_code: number | null;
  hangup_by: string | null;
  hangup_cause: string | null;
  duration_seconds: number | null;
  ended_at: string | null;
}

/**
 * Finds the call with this SIP Call-ID among the newest 100 inbound calls, waiting (up to about
 * 5 s) for it to end: the server writes the CDR just after the BYE, so it may lag the caller.
 *
 * @example
 * ```ts
 * const cdr = await findCdr(new Prolope({ apiKey }), result.callId); // null when no call was recorded
 * ```
 */
export async function findCdr(client: Prolope, callId: string, waitMs = 5000): Promise<Cdr | null> {
  const deadline = Date.now() + waitMs;
  let seen = false;
  for (;;) {
    const page = (await client.calls.list({ direction: 'inbound', limit: 100 })) as unknown as { data: Cdr[] };
    const cdr = page.data.find((c) => c.sip_call_id === callId) ?? null;
    // A refused call that never got a record will not get one later; one retry covers a slow write.
    if ((cdr && cdr.ended_at !== null) || (!cdr && seen) || Date.now() > deadline) return cdr;
    seen = true;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The CDR in one line.
 *
 * @example
 * ```ts
 * callLine(cdr); // 'CDR call_1: completed, 3 s, sip_code 200, hung up by callee (normal)'
 * ```
 */
export function callLine(cdr: Cdr): string {
  const duration = cdr.duration_seconds === null ? 'still running' : `${cdr.duration_seconds} s`;
  const hangup = cdr.hangup_by ? `, hung up by ${cdr.hangup_by} (${cdr.hangup_cause ?? 'unknown'})` : '';
  return `CDR ${cdr.id}: ${cdr.status}, ${duration}, sip_code ${cdr.sip_code ?? '-'}${hangup}`;
}

/**
 * Why no CDR was found: refusals before routing leave none; otherwise the key belongs to another account.
 *
 * @example
 * ```ts
 * noCdrLine(result, '+35929000002'); // 'CDR: none for this Call-ID (a 403 before routing leaves no call record).'
 * ```
 */
export function noCdrLine(r: TestCallResult, to: string): string {
  if (!r.answered && [401, 403, 404, 407].includes(r.status)) return `CDR: none for this Call-ID (a ${r.status} before routing leaves no call record).`;
  return `CDR: not among the inbound calls this API key sees; use a key of the account that holds ${to}.`;
}

/**
 * What the timeline adds up to: the outcome, the audio check and the digits.
 *
 * @example
 * ```ts
 * summaryLines(result); // ['Answered: 200 OK, 2.2 s, the far end hung up (BYE)', 'RTP: received 46 …', …]
 * ```
 */
export function summaryLines(r: TestCallResult): string[] {
  const lines = [`Call-ID ${r.callId}, from ${r.localAddress} to ${r.target}`];
  if (!r.answered) {
    lines.push(`Not answered: ${r.end.text}`);
    return lines;
  }
  lines.push(`Answered: ${r.status} ${r.reason}, ${(r.durationMs / 1000).toFixed(1)} s, ${r.end.text}`);
  const rx = r.rtp.received;
  const audio = rx.pcma20ms ? 'all PCMA at 20 ms' : 'NOT clean PCMA at 20 ms';
  lines.push(`RTP: received ${rx.packets} (${rx.pcma} PCMA, ${audio}, ${rx.early} early), sent ${r.rtp.sent}`);
  if (r.dtmfSent.length > 0) lines.push(`DTMF sent: ${r.dtmfSent.join(' ')}`);
  for (const problem of r.mediaProblems) lines.push(`Problem: ${problem}`);
  return lines;
}
