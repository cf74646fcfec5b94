import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../deps.js';
import { verbDefaults } from '../http/contract.js';
import type { CallEnd, HoldSignal, MediaSession, OutboundCall } from '../telephony/backend.js';
import { tone } from '../telephony/media/index.js';
import type { DialResult, PromptSource } from '../telephony/verbs/verb-host.js';
import type { DialVerb } from '../telephony/verbs/verb-types.js';
import { holdMusicFor } from './hold-music.js';
import { type LiveLeg, ringLeg } from './leg-ring.js';
import type { DialLegs, PlacedLeg } from './leg-types.js';
import { type MovedLeg, type TransferTargets, type TransferWatch, watchTransfers } from './leg-transfer.js';
import { endCall, recordCallEvent } from './lifecycle.js';
import type { Db } from '../store/db.js';
import type { DialogTags, ReplaceableBridges } from './replaceable-bridges.js';
import { type CallRow, findCall } from './store.js';

export type { DialLegs, PlacedLeg } from './leg-types.js';

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
  /** Where the leg's party may transfer the caller (REFER); without it a REFER gets 501. */
  transfer?: TransferTargets | undefined;
  /** The server's bridges a Replaces may name (attended transfer); this one is offered there under `dialog`. */
  bridges?: ReplaceableBridges | undefined;
  /** The caller's SIP dialog (the embedded backend's): how a Replaces names this bridge. */
  dialog?: DialogTags | undefined;
  /** Told when a Replaces took the leg (the dial then ends `completed`, and the caller is to be hung up). */
  onLegTaken?(): void;
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
  const ringTimeoutMs = (verb.timeout_seconds ?? DEFAULTS.timeout_seconds) * 1000;
  let placed: PlacedLeg;
  try {
    placed = await legs.placeLeg({
      accountId: parent.row.account_id,
      from,
      to,
      sipTrunkId: verb.sip_trunk_id,
      ringTimeoutMs,
      parentCallId: parent.row.id,
    });
  } catch (err) {
    // A bad caller ID, destination or route: the caller cannot be asked, so the dial fails and the app decides.
    parent.log.warn({ err, callId: parent.row.id, to }, 'dial: the leg could not be placed');
    return { status: 'failed', callId: undefined, durationSeconds: 0 };
  }
  const hangupPlaced = () => void placed.call.hangup().catch((err) => parent.log.warn({ err, callId: placed.row.id }, 'dial: hanging up the leg failed'));
  parent.signal.addEventListener('abort', hangupPlaced, { once: true });
  let answered = false;
  const watch = parent.transfer ? watchTransfers(deps, placed.call, parent, parent.transfer, ringTimeoutMs) : undefined;
  try {
    const rung = await ringLeg(deps, placed, (stop) => playRingback(parent.media, AbortSignal.any([stop, parent.signal])));
    if (!rung.ok) return { status: rung.row.status as DialResult['status'], callId: rung.row.id, durationSeconds: 0 };
    const leg = rung.leg;
    if (parent.onAnswered) {
      try {
        await parent.onAnswered();
      } catch (err) {
        parent.log.warn({ err, callId: parent.row.id }, 'dial: the caller could not be answered; the leg is hung up');
        await leg.call.hangup().catch(() => {});
        await leg.media.close();
        const ended = await endCall(deps, leg.row, { by: 'caller', cause: 'error' });
        return { status: 'failed', callId: leg.row.id, durationSeconds: ended.duration_seconds ?? 0 };
      }
    }
    answered = true;
    parent.signal.removeEventListener('abort', hangupPlaced);
    const limitMs = (verb.time_limit_seconds ?? DEFAULTS.time_limit_seconds) * 1000;
    return await keepBridged(deps, parent, { leg, placed }, { ringTimeoutMs, limitMs, watch });
  } finally {
    parent.signal.removeEventListener('abort', hangupPlaced);
    if (!answered) placed.release();
  }
}

/**
 * Keeps the caller bridged to an answered leg until one side ends, following transfers: a blind one
 * moves the caller to the new leg when it answers, an attended one (another bridge's leg taken by a
 * REFER with Replaces) at once. While it runs the bridge is offered under the caller's dialog, so the
 * caller's own REFER elsewhere (or an INVITE with Replaces) may take the leg: it then stops at once,
 * leaving the leg up (its new bridge ends it) and the caller for the owner to hang up.
 */
export async function keepBridged(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  parent: DialParent,
  first: { leg: LiveLeg; placed: PlacedLeg },
  opts: { ringTimeoutMs: number; limitMs: number; watch?: TransferWatch | undefined },
): Promise<DialResult> {
  // The leg bridged now: the first, then each a transfer moved the caller to.
  let current = first;
  const hangupLeg = () => void current.leg.call.hangup().catch((err) => parent.log.warn({ err, callId: current.leg.row.id }, 'dial: hanging up the leg failed'));
  parent.signal.addEventListener('abort', hangupLeg, { once: true });
  // Every leg that was bridged here is forgotten in the outbound registry at the end, but one given away.
  const owned: PlacedLeg[] = [first.placed];
  let given = false;
  let giveAway: ((moved: MovedLeg) => void) | undefined;
  const withdraw =
    parent.bridges && parent.dialog
      ? parent.bridges.offer(parent.dialog, {
          accountId: parent.row.account_id,
          callerCallId: parent.row.id,
          take: () => {
            const give = giveAway;
            if (!give) return undefined;
            giveAway = undefined;
            const moved: MovedLeg = { leg: current.leg, placed: current.placed, to: current.leg.row.to };
            give(moved);
            return moved;
          },
        })
      : undefined;
  let watch = opts.watch;
  try {
    for (;;) {
      const leg = current.leg;
      const end = await bridgeUntilEnd(deps.db, parent, leg, leg.call, opts.limitMs, watch, (give) => {
        giveAway = give;
      });
      if ('given' in end) {
        // Another bridge has the leg now (attended transfer): it is neither hung up nor ended here.
        given = true;
        parent.onLegTaken?.();
        const orphan = watch?.pending;
        if (orphan) void orphan.then((o) => o && dropLeg(deps, o));
        return { status: 'completed', callId: leg.row.id, durationSeconds: 0 };
      }
      let next = 'moved' in end ? end.moved : undefined;
      const pending = watch?.pending;
      if (!next && pending && 'by' in end && end.by === 'callee') {
        // The transferor hung up right after its REFER (many phones do): the caller hears ringback until the new leg answers or fails.
        const stop = new AbortController();
        const ringback = playRingback(parent.media, AbortSignal.any([stop.signal, parent.signal]));
        next = await pending;
        stop.abort();
        await ringback;
      } else if (!next && pending) void pending.then((orphan) => orphan && dropLeg(deps, orphan));
      await leg.media.close();
      if (!next) {
        const ended = await endCall(deps, leg.row, end as CallEnd);
        return { status: 'completed', callId: leg.row.id, durationSeconds: ended.duration_seconds ?? 0 };
      }
      await endCall(deps, leg.row, { by: 'callee', cause: 'normal' }, { code: 'normal_clearing', message: `transferred the caller to ${next.to}` });
      const parentRow = (await findCall(deps.db, parent.row.account_id, parent.row.id)) ?? parent.row;
      await recordCallEvent(
        deps,
        parentRow,
        'call.transferred',
        next.replacedCallId
          ? { method: 'attended', to: next.to, transferred_by_call_id: leg.row.id, call_id: next.leg.row.id, replaced_call_id: next.replacedCallId }
          : { method: 'blind', to: next.to, transferred_by_call_id: leg.row.id, call_id: next.leg.row.id },
      );
      current = { leg: next.leg, placed: next.placed };
      owned.push(next.placed);
      watch = parent.transfer ? watchTransfers(deps, next.leg.call, parent, parent.transfer, opts.ringTimeoutMs) : undefined;
      if (parent.signal.aborted) {
        // The caller left as the new leg answered: it is hung up like any leg of an ended dial.
        await dropLeg(deps, next);
        return { status: 'completed', callId: next.leg.row.id, durationSeconds: 0 };
      }
    }
  } finally {
    withdraw?.();
    parent.signal.removeEventListener('abort', hangupLeg);
    for (const p of owned) if (!(given && p === current.placed)) p.release();
  }
}

/** Hangs up an answered leg nobody will bridge (its caller is gone) and ends its row. */
async function dropLeg(deps: Pick<Deps, 'db' | 'clock' | 'secrets'>, moved: MovedLeg): Promise<void> {
  await moved.leg.call.hangup().catch(() => {});
  await moved.leg.media.close();
  await endCall(deps, moved.leg.row, { by: 'caller', cause: 'normal' });
}

/**
 * Passes audio and DTMF both ways until one side ends: the leg's BYE or RTP timeout, the parent's
 * end (the abort listener in tryLeg sends the leg's BYE), or the time limit. The media plane carries
 * it (MediaSession.bridge): on the embedded backend packets go from leg to leg without reaching this
 * thread's event loop; a recording of the parent still hears the caller as before.
 */
function bridgeUntilEnd(
  db: Db,
  parent: DialParent,
  legSide: { media: MediaSession; hold?: HoldSignal | undefined },
  call: OutboundCall,
  limitMs: number,
  transfers: TransferWatch | undefined,
  offerGive?: (give: ((moved: MovedLeg) => void) | undefined) => void,
): Promise<CallEnd | { moved: MovedLeg } | { given: MovedLeg }> {
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
  return new Promise<CallEnd | { moved: MovedLeg } | { given: MovedLeg }>((resolve) => {
    const done = (end: CallEnd | { moved: MovedLeg } | { given: MovedLeg }) => {
      if (!bridged) return;
      bridged = false;
      offerGive?.(undefined);
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
    // A transfer's new leg answered: the caller leaves this leg for it (tryLeg bridges it next).
    transfers?.onMove((moved) => done({ moved }));
    // The caller's dialog was named by a Replaces elsewhere: the leg goes to that bridge as it is.
    offerGive?.((moved) => done({ given: moved }));
    leg.onTimeout(() => {
      // Listeners stay on the media: a leg given to another bridge is that bridge's to time out.
      if (!bridged) return;
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
