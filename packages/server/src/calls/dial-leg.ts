import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../deps.js';
import { verbDefaults } from '../http/contract.js';
import type { CallEnd, DialFailure, HoldSignal, MediaSession, OutboundCall } from '../telephony/backend.js';
import { tone } from '../telephony/media/index.js';
import type { DialResult, PromptSource } from '../telephony/verbs/verb-host.js';
import type { DialVerb } from '../telephony/verbs/verb-types.js';
import type { HangupReason } from './hangup-reason.js';
import { holdMusicFor } from './hold-music.js';
import { endCall, failureEnd, markAnswered, markRinging } from './lifecycle.js';
import type { Db } from '../store/db.js';
import type { CallRow } from './store.js';

/** A leg placed for a `dial`: its call row (written, `queued`) and the SIP side ringing. */
export interface PlacedLeg {
  row: CallRow;
  call: OutboundCall;
  /** Forgets the leg in the outbound registry once it is over. */
  release(): void;
  /** Words a failed INVITE for the leg's `hangup_reason`. */
  failureReason(f: DialFailure): HangupReason;
}

/** Places legs like `POST /v1/calls` does (same caller ID rule, routes and Request-URI); calls/outbound.ts. */
export interface DialLegs {
  placeLeg(input: {
    accountId: string;
    from: string;
    to: string;
    sipTrunkId?: string | undefined;
    ringTimeoutMs: number;
    parentCallId: string;
  }): Promise<PlacedLeg>;
}

/** The call running the `dial`: its row, its media, and the signal that ends the dial (hang-up or replacement). */
export interface DialParent {
  row: CallRow;
  media: MediaSession;
  log: Pick<FastifyBaseLogger, 'warn'>;
  signal: AbortSignal;
  /**
   * Called when the leg answers, before the bridge: a caller who has only had early media so far (a SIP
   * user's phone calling another, calls/user-call.ts) gets its 200 OK here, so it is answered only once
   * the callee is. A throw (the caller's ACK never came) ends the leg.
   */
  onAnswered?(): Promise<void>;
  /** The caller holding and resuming (re-INVITE): the leg hears hold music meanwhile. */
  hold?: HoldSignal | undefined;
  /** The account's stored prompts: its hold music is one (else the built-in tune plays). */
  prompts?: PromptSource | undefined;
}

// A verb's defaults come from the spec (generated): verbs sit in a oneOf, where validation fills in none.
const DEFAULTS = verbDefaults.dial;
/** ETSI ringback (ES 201 970, used across Europe): 425 Hz, 1 s on, 4 s off. */
const RINGBACK = tone(425, 1000, 0.25);
const RINGBACK_GAP_MS = 4000;

/**
 * Runs a `dial` verb: `to`, then `fallback_to` when the first leg does not answer. The leg is a call
 * of its own (`parent_call_id`) with its own CDR and events. The caller hears ringback while it rings.
 */
export async function dialLeg(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, legs: DialLegs, parent: DialParent, verb: DialVerb): Promise<DialResult> {
  let last: DialResult = { status: 'failed', callId: undefined, durationSeconds: 0 };
  for (const to of verb.fallback_to ? [verb.to, verb.fallback_to] : [verb.to]) {
    if (parent.signal.aborted) break;
    last = await tryLeg(deps, legs, parent, verb, to);
    if (last.status === 'completed' || last.status === 'canceled') break;
  }
  return last;
}

async function tryLeg(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, legs: DialLegs, parent: DialParent, verb: DialVerb, to: string): Promise<DialResult> {
  // The account's own number on this call, so the A-number rule of terms 5.3 holds without configuration.
  const from = verb.caller_id ?? (parent.row.direction === 'inbound' ? parent.row.to : parent.row.from);
  let placed: PlacedLeg;
  try {
    placed = await legs.placeLeg({
      accountId: parent.row.account_id,
      from,
      to,
      sipTrunkId: verb.sip_trunk_id,
      ringTimeoutMs: (verb.timeout_seconds ?? DEFAULTS.timeout_seconds) * 1000,
      parentCallId: parent.row.id,
    });
  } catch (err) {
    // A bad caller ID, destination or route: the caller cannot be asked, so the dial fails and the app decides.
    parent.log.warn({ err, callId: parent.row.id, to }, 'dial: the leg could not be placed');
    return { status: 'failed', callId: undefined, durationSeconds: 0 };
  }
  const { call } = placed;
  const hangupLeg = () => void call.hangup().catch((err) => parent.log.warn({ err, callId: placed.row.id }, 'dial: hanging up the leg failed'));
  parent.signal.addEventListener('abort', hangupLeg, { once: true });
  try {
    let row = placed.row;
    let writes = Promise.resolve();
    call.onProgress((status) => {
      if (row.status !== 'queued') return;
      row = { ...row, status: 'ringing' };
      writes = writes.then(async () => {
        row = await markRinging(deps, placed.row, status);
      });
    });
    const ringing = new AbortController();
    const ringback = playRingback(parent.media, AbortSignal.any([ringing.signal, parent.signal]));
    const outcome = await call.outcome;
    ringing.abort();
    await ringback;
    await writes;
    if (!outcome.ok) {
      const ended = await endCall(deps, row, failureEnd(outcome), placed.failureReason(outcome));
      return { status: ended.status as DialResult['status'], callId: row.id, durationSeconds: 0 };
    }
    row = await markAnswered(deps, row);
    if (parent.onAnswered) {
      try {
        await parent.onAnswered();
      } catch (err) {
        parent.log.warn({ err, callId: parent.row.id }, 'dial: the caller could not be answered; the leg is hung up');
        await call.hangup().catch(() => {});
        await outcome.media.close();
        const ended = await endCall(deps, row, { by: 'caller', cause: 'error' });
        return { status: 'failed', callId: row.id, durationSeconds: ended.duration_seconds ?? 0 };
      }
    }
    const end = await bridgeUntilEnd(deps.db, parent, { media: outcome.media, hold: outcome.hold }, call, (verb.time_limit_seconds ?? DEFAULTS.time_limit_seconds) * 1000);
    await outcome.media.close();
    const ended = await endCall(deps, row, end);
    return { status: 'completed', callId: row.id, durationSeconds: ended.duration_seconds ?? 0 };
  } finally {
    parent.signal.removeEventListener('abort', hangupLeg);
    placed.release();
  }
}

/**
 * Passes audio and DTMF both ways until one side ends: the leg's BYE or RTP timeout, the parent's
 * end (the abort listener in tryLeg sends the leg's BYE), or the time limit. The media plane carries
 * it (MediaSession.bridge): on the embedded backend packets go from leg to leg without reaching this
 * thread's event loop; a recording of the parent still hears the caller as before.
 */
function bridgeUntilEnd(db: Db, parent: DialParent, legSide: { media: MediaSession; hold?: HoldSignal | undefined }, call: OutboundCall, limitMs: number): Promise<CallEnd> {
  const leg = legSide.media;
  let bridged = true;
  // While either side holds, the bridge is down and the other side hears hold music; the resume
  // (both sides off hold) bridges again.
  let unbridge: (() => void) | undefined;
  let musicToLeg: AbortController | undefined;
  let musicToCaller: AbortController | undefined;
  const follow = () => {
    if (!bridged) return;
    const callerHeld = parent.hold?.held ?? false;
    const legHeld = legSide.hold?.held ?? false;
    if (callerHeld || legHeld) {
      unbridge?.();
      unbridge = undefined;
    }
    musicToLeg = music(musicToLeg, callerHeld, () => playHoldMusic(db, parent, leg));
    musicToCaller = music(musicToCaller, legHeld, () => playHoldMusic(db, parent, parent.media));
    if (!callerHeld && !legHeld) unbridge ??= parent.media.bridge(leg);
  };
  follow();
  const stopFollowing = [parent.hold?.onChange(follow), legSide.hold?.onChange(follow)];
  return new Promise<CallEnd>((resolve) => {
    const done = (end: CallEnd) => {
      if (!bridged) return;
      bridged = false;
      clearTimeout(limit);
      parent.signal.removeEventListener('abort', onParentEnd);
      for (const stop of stopFollowing) stop?.();
      musicToLeg?.abort();
      musicToCaller?.abort();
      unbridge?.();
      resolve(end);
    };
    const onParentEnd = () => done({ by: 'caller', cause: 'normal' });
    const limit = setTimeout(() => void call.hangup().finally(() => done({ by: 'caller', cause: 'normal' })), limitMs);
    call.onEnd(done);
    leg.onTimeout(() => {
      // A held leg may send nothing (a=inactive); its next packet re-arms the timer.
      if (legSide.hold?.held) return;
      void call.hangup().finally(() => done({ by: 'system', cause: 'rtp_timeout' }));
    });
    if (parent.signal.aborted) onParentEnd();
    else parent.signal.addEventListener('abort', onParentEnd, { once: true });
  });
}

/** Starts hold music when `on` and none plays, stops it when not `on`; answers what plays now. */
function music(playing: AbortController | undefined, on: boolean, start: () => AbortController): AbortController | undefined {
  if (on) return playing ?? start();
  playing?.abort();
  return undefined;
}

/** Loops the account's hold music to `leg` until the returned controller aborts (resume or the end). */
function playHoldMusic(db: Db, parent: DialParent, leg: MediaSession): AbortController {
  const stop = new AbortController();
  void (async () => {
    try {
      const music = await holdMusicFor(db, parent.prompts, parent.row.account_id, stop.signal);
      try {
        // A takedown of the prompt (its own signal) ends the music: the held party hears silence.
        const signal = music.signal ? AbortSignal.any([stop.signal, music.signal]) : stop.signal;
        while (!signal.aborted) await leg.play(music.samples, { signal });
      } finally {
        music.release();
      }
    } catch (err) {
      if (!stop.signal.aborted) parent.log.warn({ err, callId: parent.row.id }, 'dial: hold music stopped');
    }
  })();
  return stop;
}

/** Ringback toward the caller until `signal` aborts (the leg answered or failed, or the caller left). */
async function playRingback(media: MediaSession, signal: AbortSignal): Promise<void> {
  try {
    while (!signal.aborted) {
      await media.play(RINGBACK, { signal });
      await sleep(RINGBACK_GAP_MS, undefined, { signal });
    }
  } catch {
    // Aborted: ringing is over.
  }
}
