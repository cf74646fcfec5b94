import { randomBytes } from 'node:crypto';
import { toE164 } from '../contacts/phone.js';
import type { Deps } from '../deps.js';
import { ProblemError } from '../errors.js';
import { recordEvent } from '../events/outbox.js';
import type { BodyOf } from '../http/typed-handlers.js';
import { assignedNumber, type PhoneNumber } from '../numbers/service.js';
import type { Db } from '../store/db.js';
import { voiceSigningSecret } from '../numbers/voice-secret.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { DialFailure, DialOptions, OutboundCall } from '../telephony/backend.js';
import { toCall } from './call.js';
import { statusCallbackSecret, subscribeStatusCallback } from './status-callback.js';
import type { SessionDeps, SessionTools } from './call-session.js';
import type { DialLegs, PlacedLeg } from './dial-leg.js';
import { type CallPlan, runOutboundCall } from './outbound-run.js';
import { type CallInTurn, dialInTurn } from './dial-in-turn.js';
import { dialFailureReason, type HangupReason } from './hangup-reason.js';
import { type CarrierConfig, outboundRoutes, sipUriHostPort } from './outbound-route.js';
import { newCallRow } from './new-call-row.js';
import { type CallRow, insertCall } from './store.js';

/** The body of `POST /v1/calls`, checked against the spec's CallCreate with its defaults filled in. */
export type CallCreateInput = BodyOf<'calls.create'>;

/** What placing calls needs from the telephony side (built with the backend, in voice.ts). */
export interface OutboundTelephony extends SessionTools {
  /** The backend's dial: usable once the backend has started, hence OutboundCalls' start(). */
  dial(opts: DialOptions): OutboundCall;
  /** Where `record` audio goes; without it recordings on outbound calls are dropped with a warning. */
  recordings?: SessionDeps['recordings'];
  /** How customer URLs are fetched (SSRF-guarded); default: the global fetch. */
  fetch?: SessionDeps['fetch'];
  /** Stored prompts for `play` by `audio_id`. */
  prompts?: SessionDeps['prompts'];
}

/**
 * Outbound calls: `POST /v1/calls` writes the call (`queued`, `call.initiated`) and dials in the
 * background; the HTTP answer never waits for the far end. Built once per server with its telephony
 * (none with PROLOPE_SIP=off or a backend that cannot dial: then every call has no route). The API
 * listens before SIP is bound, so calls are placed only between start() and stop().
 */
export class OutboundCalls implements DialLegs {
  readonly #telephony: OutboundTelephony | undefined;
  #placing = false;
  readonly #live = new Map<string, OutboundCall>();
  readonly #running = new Set<Promise<void>>();

  /**
   * @param deps `db` should be the handlers' database (buildApp's `idempotency.db`): its transactions
   *   confirm an Idempotency-Key claim, so a `POST /v1/calls` retried after a crash never places the call
   *   twice; `secrets` opens the carriers' sealed digest passwords and the numbers' voice signing secrets
   * @param carrier the bootstrap carrier (PROLOPE_CARRIER_URI), used while no carrier is enabled through the API
   * @param telephony how calls are dialled; undefined when this server places none (SIP off, no dial)
   */
  constructor(
    private readonly deps: Pick<Deps, 'db' | 'clock' | 'node' | 'secrets'> & Pick<SessionDeps, 'activeCalls' | 'wavs' | 'conferences'>,
    private readonly carrier: CarrierConfig,
    telephony: OutboundTelephony | undefined,
  ) {
    this.#telephony = telephony;
  }

  /** Starts placing calls; call it once the backend has started (its dial then works). */
  start(): void {
    this.#placing = true;
  }

  /** Stops placing calls; waits for the calls in flight to be written down. */
  async stop(): Promise<void> {
    this.#placing = false;
    await Promise.allSettled([...this.#running]);
  }

  /** The SIP side of a live outbound call (for hangup and call control), by call id. */
  live(callId: string): OutboundCall | undefined {
    return this.#live.get(callId);
  }

  /** Ends a live outbound call: CANCEL while it rings, BYE once answered. False when it is not live here. */
  async hangup(callId: string): Promise<boolean> {
    const call = this.#live.get(callId);
    if (!call) return false;
    await call.hangup();
    return true;
  }

  async create(accountId: string, input: CallCreateInput): Promise<CallRow> {
    if ((input.instructions === undefined) === (input.url === undefined)) {
      throw new ProblemError(
        'validation_failed',
        'Give exactly one of instructions (verbs to run when the call is answered) and url (a voice application to ask).',
        {
          param: input.url === undefined ? '/body/instructions' : '/body/url',
        },
      );
    }
    if (input.url === undefined && input.fallback_url !== undefined) {
      throw new ProblemError('validation_failed', 'fallback_url goes with url; with instructions leave it out.', { param: '/body/fallback_url' });
    }
    const from = toE164(input.from, '/body/from');
    const number = await ownedNumber(this.deps, accountId, from);
    const plan: CallPlan = input.instructions
      ? { verbs: input.instructions }
      : {
          sources: [
            { url: input.url as string, method: input.method },
            ...(input.fallback_url ? [{ url: input.fallback_url, method: input.fallback_method }] : []),
          ],
          // The caller ID's own voice application secret signs the requests, so the customer verifies them
          // like those for inbound calls to that number; a number without one sends them unsigned.
          secret: number.voice ? (number.voice.signing_secret ?? (await voiceSigningSecret(this.deps, number.id))) : undefined,
        };

    const { row, call, engine, release, failureReason } = await this.#place({
      accountId,
      from,
      numberId: number.id,
      to: input.to,
      sipTrunkId: input.sip_trunk_id,
      ringTimeoutMs: input.timeout_seconds * 1000,
      parentCallId: null,
      statusCallback: input.status_callback_url ? { url: input.status_callback_url, events: input.status_callback_events } : undefined,
    });
    const deps = { ...this.deps, recordings: engine.recordings, fetch: engine.fetch, prompts: engine.prompts };
    const running = runOutboundCall(deps, { ...engine, legs: this }, call, row, plan, failureReason)
      .catch((err) => engine.log.error({ err, callId: row.id }, 'outbound call failed'))
      .finally(() => {
        release();
        this.#running.delete(running);
      });
    this.#running.add(running);
    return row;
  }

  /** A `dial` verb's leg: the same checks as `POST /v1/calls`, run by the parent call (calls/dial-leg.ts). */
  async placeLeg(input: Parameters<DialLegs['placeLeg']>[0]): Promise<PlacedLeg> {
    const from = toE164(input.from, '/caller_id');
    const number = await ownedNumber(this.deps, input.accountId, from);
    const placed = await this.#place({ ...input, from, numberId: number.id });
    return { row: placed.row, call: placed.call, release: placed.release, failureReason: placed.failureReason };
  }

  /** Routes, writes the call (`queued`, `call.initiated`) and sends the INVITE. */
  async #place(input: {
    accountId: string;
    from: string;
    numberId: string;
    to: string;
    sipTrunkId?: string | undefined;
    ringTimeoutMs: number;
    parentCallId: string | null;
    statusCallback?: { url: string; events: string[] } | undefined;
  }): Promise<{ row: CallRow; call: CallInTurn; engine: OutboundTelephony; release(): void; failureReason(f: DialFailure): HangupReason }> {
    const { accountId, from } = input;
    const to = destination(input.to);
    const engine = this.#placing ? this.#telephony : undefined;
    // Read per call: a carrier added, changed or disabled through the API applies from the next call on.
    const routes = await outboundRoutes(this.deps.db, accountId, input.sipTrunkId, {
      secrets: this.deps.secrets,
      bootstrap: this.carrier,
      // Without SIP the call is refused just below, so a skipped carrier needs no log line then.
      log: engine?.log ?? { error: () => {} },
    });
    if (!this.#telephony) throw new ProblemError('no_route', 'SIP is off on this Prolope (PROLOPE_SIP=off), so it cannot place calls.');
    if (!engine) throw new ProblemError('no_route', 'SIP is not running on this Prolope (it is starting or shutting down), so it cannot place calls now; try again.');
    const now = this.deps.clock.now();
    const row = newCallRow(
      {
        direction: 'outbound',
        accountId,
        from,
        to,
        sipCallId: `${randomBytes(12).toString('hex')}@prolope`,
        sipTrunkId: routes[0]?.trunkId ?? null,
        phoneNumberId: input.numberId,
        parentCallId: input.parentCallId,
        statusCallback: input.statusCallback,
        ownerUrl: this.deps.node?.url,
        nodeId: this.deps.node?.id,
      },
      now,
    );
    const callback = input.statusCallback && { ...input.statusCallback, secret: await statusCallbackSecret(this.deps, input.numberId) };
    await this.deps.db.transaction().execute(async (tx) => {
      await insertCall(tx, row);
      if (callback) await subscribeStatusCallback(tx, this.deps, row, callback, now);
      await recordEvent(tx, { accountId, type: 'call.initiated', object: toCall(row), at: now });
    });

    const call = dialInTurn((o) => engine.dial(o), routes, {
      callId: row.sip_call_id,
      to,
      fromUser: from,
      ringTimeoutMs: input.ringTimeoutMs,
      log: engine.log,
    });
    this.#live.set(row.id, call);
    const failureReason = (f: DialFailure): HangupReason => {
      const last = call.attempts[call.attempts.length - 1]?.route ?? routes[0];
      return dialFailureReason(f, {
        peer: last?.peer ?? 'the carrier',
        hadCredentials: last?.credentials !== undefined,
        ringTimeoutS: Math.round(input.ringTimeoutMs / 1000),
        tried: call.attempts.length,
      });
    };
    return { row, call, engine, release: () => this.#live.delete(row.id), failureReason };
  }
}

/** The account's number used as caller ID; terms 5.3 authorize calls by A-number, so it must be the account's own. */
async function ownedNumber(deps: { db: Db; secrets: SecretBox }, accountId: string, from: string): Promise<PhoneNumber> {
  const number = await assignedNumber(deps, from);
  if (!number || number.account_id !== accountId) {
    throw new ProblemError(
      'caller_id_not_owned',
      `${from} is not a number this account holds, so a call may not show it as caller ID (terms 5.3 authorize calls by A-number). Buy or port the number first, or call from one of yours.`,
      { param: '/body/from' },
    );
  }
  return number;
}

/** `to` as stored and dialled: E.164, or a `sip:` URI. */
function destination(to: string): string {
  if (/^sips?:/i.test(to)) {
    if (!/^sip:/i.test(to) || !sipUriHostPort(to) || /[\s<>"]/.test(to)) {
      throw new ProblemError('validation_failed', `"${to}" is not a SIP URI Prolope can call: use sip:user@host[:port] (UDP, no sips:).`, {
        param: '/body/to',
      });
    }
    return `sip:${to.slice(4)}`;
  }
  return toE164(to, '/body/to');
}
