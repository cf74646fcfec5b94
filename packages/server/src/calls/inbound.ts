import type { FastifyBaseLogger } from 'fastify';
import { toE164 } from '../contacts/phone.js';
import type { Deps } from '../deps.js';
import { assignedNumber, type PhoneNumber } from '../numbers/service.js';
import { saveRecording } from '../recordings/service.js';
import type { RecordingStore } from '../recordings/storage.js';
import { type TrunkAuth, trunksForSource } from '../sip-trunks/service.js';
import type { CallEnd, InboundCall, MediaSession } from '../telephony/backend.js';
import type { NegotiatedMedia, NegotiationResult } from '../telephony/embedded/rtp/index.js';
import type { Speak } from '../telephony/verbs/call-host.js';
import { DigitQueue } from '../telephony/verbs/digit-queue.js';
import { firstInstructions, REJECT_STATUS, runVerbs, VerbInterrupts } from '../telephony/verbs/interpreter.js';
import type { Verb } from '../telephony/verbs/verb-types.js';
import { activeCalls } from './active-calls.js';
import { callControl } from './call-control.js';
import { endCall, markAnswered, markEarlyMedia, openInboundCall, recordCallEvent } from './lifecycle.js';
import type { CallRow } from './store.js';
import { callContext, voiceAppOf } from './voice-app.js';

/** The outcome of SDP offer/answer: the far end's media address, or why the offer is refused. */
export type Negotiation = NegotiationResult;

/** What the inbound flow needs from the media side and speech; injected so each backend can supply its own. */
export interface InboundEngine {
  negotiate(offer: string): Negotiation;
  buildAnswer(local: { address: string; port: number }, negotiation: NegotiatedMedia): string;
  openMedia(remote: { address: string; port: number; dtmfPayloadType?: number | undefined }): Promise<MediaSession>;
  speak: Speak;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
}

/** What the inbound flow reads and writes; `recordings` stores `record` audio (without it, audio is dropped). */
export interface InboundDeps extends Pick<Deps, 'db' | 'clock'> {
  recordings?: { store: RecordingStore; publicUrl: string } | undefined;
}

/** A number given as dialled in a SIP URI user part, in E.164; undefined when it is not a number. */
function e164(user: string): string | undefined {
  try {
    return toE164(user, '');
  } catch {
    return undefined;
  }
}

// A number without a voice application answers with this, so a test call shows the line works.
export const DEFAULT_GREETING = 'Welcome to Prolope. This number has no voice application yet. Goodbye.';

/**
 * Authorizes an INVITE the way terms 5.3 require — source IP in a trunk's allowlist, A-number on that
 * trunk, then digest — and routes it to a number the trunk's account holds. Refusals carry the SIP
 * status the caller can act on: 403 for IP or caller ID, 401 to ask for credentials, 404 for an
 * unknown number, 488 for a codec other than PCMA at 20 ms.
 */
export function inboundHandler(deps: InboundDeps, engine: InboundEngine) {
  return async function onInvite(call: InboundCall): Promise<void> {
    const trunks = await trunksForSource(deps.db, call.source.address);
    if (trunks.length === 0) return call.reject(403, 'Source IP not authorized');
    const from = e164(call.fromUser);
    const byCaller = trunks.filter((t) => from !== undefined && t.allowedCallerIds.includes(from));
    if (byCaller.length === 0) return call.reject(403, 'Caller ID not authorized');
    if (!call.credentials) return call.challenge();
    const trunk: TrunkAuth | undefined = byCaller.find((t) => t.username === call.credentials?.username);
    if (!trunk || !call.verifyDigest(trunk.ha1)) return call.reject(403, 'Wrong credentials');

    const to = e164(call.toUser);
    const number = to ? await assignedNumber(deps.db, to) : undefined;
    if (!to || !number || number.account_id !== trunk.accountId) return call.reject(404, 'Not Found');

    const row: CallRow = await openInboundCall(deps, {
      accountId: trunk.accountId,
      from: from as string,
      to,
      sipCallId: call.callId,
      trunkId: trunk.id,
      numberId: number.id,
    });
    const negotiation = engine.negotiate(call.sdp ?? '');
    if (!negotiation.ok) {
      await call.reject(negotiation.status, 'Not Acceptable Here', { Warning: `399 prolope "${negotiation.reason}"` });
      await endCall(deps, row, { by: 'system', cause: 'rejected', sipCode: negotiation.status });
      return;
    }
    await runCall(deps, engine, call, row, negotiation, number);
  };
}

async function runCall(
  deps: InboundDeps,
  engine: InboundEngine,
  call: InboundCall,
  opened: CallRow,
  negotiation: NegotiatedMedia,
  number: PhoneNumber,
): Promise<void> {
  let row = opened;
  const media = await engine.openMedia({ ...negotiation.remote, dtmfPayloadType: negotiation.dtmfPayloadType });
  const abort = new AbortController();
  const interrupts = new VerbInterrupts();
  const stored = deps.recordings;
  const save = stored
    ? (pcm: Int16Array) => saveRecording({ db: deps.db, clock: deps.clock, recordings: stored.store, publicUrl: stored.publicUrl }, row, pcm)
    : undefined;
  let ended: Promise<void> | undefined;
  const finish = (end: CallEnd) => {
    if (ended) return ended;
    abort.abort();
    activeCalls.unregister(row.id, control);
    // Takes the API recording's audio before the media closes; stores it before the call completes.
    const recorded = control.finishRecording();
    ended = Promise.all([media.close(), recorded]).then(async () => {
      await endCall(deps, row, end);
    });
    return ended;
  };
  const control = callControl({
    media,
    interrupts,
    hangup: () =>
      call
        .hangup()
        .catch((err) => engine.log.warn({ err, callId: call.callId }, 'BYE failed'))
        .then(() => finish({ by: 'callee', cause: 'normal' })),
    save,
    log: engine.log,
    callId: opened.id,
  });
  call.onEnd((end) => void finish(end));
  media.onTimeout(() => {
    void call.hangup().finally(() => finish({ by: 'system', cause: 'rtp_timeout' }));
  });

  // Call events are written one after another, so they keep the order the caller caused them in.
  let eventWrites = Promise.resolve();
  const record = (type: string, data: Record<string, unknown>) => {
    eventWrites = eventWrites
      .then(() => recordCallEvent(deps, row, type, data))
      .catch((err) => engine.log.error({ err, callId: call.callId, type }, 'call event not recorded'));
    return eventWrites;
  };
  const digits = new DigitQueue();

  try {
    const answerSdp = engine.buildAnswer(media.local, negotiation);
    await call.progress(answerSdp);
    row = await markEarlyMedia(deps, row);
    const app = await voiceAppOf(deps, number);
    if (app) {
      // Only calls run by a voice application report keys: nobody else acts on them.
      media.onDtmf((digit) => {
        digits.push(digit);
        void record('call.dtmf', { digit });
      });
    }
    // Asked before answering, so the application can still refuse the call with `reject`.
    const verbs = app
      ? await firstInstructions(app.sources, { context: callContext(row), secret: app.secret, signal: abort.signal, log: engine.log })
      : undefined;
    if (ended) return await ended;
    const first = verbs?.[0];
    if (first?.verb === 'reject') {
      const { status, reason } = REJECT_STATUS[first.reason ?? 'rejected'];
      await call.reject(status, reason);
      await finish({ by: 'callee', cause: 'rejected', sipCode: status });
      return;
    }
    await call.answer(answerSdp);
    if (ended) return await ended;
    row = await markAnswered(deps, row);
    // From here the API can control the call (calls/action-routes.ts) until finish() unregisters it.
    if (!ended) activeCalls.register(row.id, control);

    const script: Verb[] = verbs ?? [{ verb: 'say', text: DEFAULT_GREETING }];
    await runVerbs(
      script,
      {
        media,
        digits,
        speak: (text, opts) => engine.speak(text, opts),
        context: () => callContext(row),
        secret: app?.secret,
        signal: abort.signal,
        gatherCompleted: (collected) => record('call.gather.completed', { digits: collected }),
        ...(save ? { saveRecording: save } : {}),
        log: engine.log,
      },
      interrupts,
    );
    await eventWrites;
    if (ended) return await ended;
    await call.hangup();
    await finish({ by: 'callee', cause: 'normal' });
  } catch (err) {
    // A CANCEL or BYE during setup ends the call through onEnd; anything else is our failure.
    if (ended) return await ended;
    engine.log.error({ err, callId: call.callId }, 'inbound call failed');
    await finish({ by: 'system', cause: 'error', sipCode: 500 });
  }
}
