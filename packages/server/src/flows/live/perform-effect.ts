import type { EffectResult, FlowEffect } from '@prolope/rules';
import { scheduleOpenNow } from '../../schedules/service.js';
import type { Db } from '../../store/db.js';
import type { Clock } from '../../clock.js';
import { play } from '../../telephony/verbs/audio-verbs.js';
import { recordCaller } from '../../telephony/verbs/record.js';
import type { VerbHost } from '../../telephony/verbs/verb-host.js';
import { takeVoicemail } from '../../telephony/verbs/voicemail.js';
import { audioVerb, collect, playPrompt } from './collect.js';
import { loadRunnableFlow } from './flow-source.js';
import { flowHttp } from './flow-http.js';
import { type FlowTransferTools, flowTransfer } from './flow-transfer.js';
import type { SpeechRecognizer } from './speech.js';

/** What performing a flow's effects on one answered call needs. */
export interface EffectTools {
  db: Db;
  clock: Clock;
  accountId: string;
  host: VerbHost;
  transfer: FlowTransferTools;
  /** The number's voice signing secret: `http` nodes are signed with it (unsigned without one). */
  secret: string | undefined;
  /** Speech input; absent until a recognizer is wired (speech-only collects are then no input). */
  recognizer?: SpeechRecognizer | undefined;
}

/** One effect of the interpreter, performed with the verbs and the calls domain's dialling. Rejects when the call ends. */
export async function performEffect(effect: FlowEffect, t: EffectTools): Promise<EffectResult> {
  const { host } = t;
  switch (effect.kind) {
    case 'say':
      await playPrompt(
        { say: effect.text, ...(effect.language ? { language: effect.language } : {}), ...(effect.voice ? { voice: effect.voice } : {}) },
        host,
        host.signal,
      );
      return { kind: 'done' };
    case 'play':
      await play(audioVerb(effect.audio), host, host.signal);
      return { kind: 'done' };
    case 'collect':
      return collect(effect, host, t.recognizer);
    case 'schedule':
      // A schedule deleted meanwhile reads as closed, as a number's schedule route does.
      return { kind: 'schedule', open: (await scheduleOpenNow(t, t.accountId, effect.schedule_id)) ?? false };
    case 'http':
      return flowHttp(effect, { secret: t.secret, signal: host.signal, fetch: host.fetch });
    case 'load_flow': {
      const sub = await loadRunnableFlow(t.db, t.accountId, effect.flow_id, effect.revision);
      // Without a `flow` result the interpreter ends the call (no transition): a subflow gone is a dead end.
      return sub ? { kind: 'flow', flow: sub.document } : { kind: 'done' };
    }
    case 'transfer':
      return flowTransfer(effect, t.transfer);
    case 'record': {
      const saved = await recordCaller(
        {
          verb: 'record',
          play_beep: effect.beep,
          ...(effect.max_length_seconds ? { max_seconds: effect.max_length_seconds } : {}),
          ...(effect.finish_on_key ? { finish_on_key: effect.finish_on_key } : {}),
        },
        host,
      );
      return saved ? { kind: 'recorded', recording_id: saved.id } : { kind: 'done' };
    }
    case 'voicemail':
      await takeVoicemail({ verb: 'voicemail', box_id: effect.voicemail_box_id }, host);
      return { kind: 'done' };
    case 'enqueue':
      // Queues need the contact center, which this server does not have yet.
      return { kind: 'enqueue', accepted: false };
    case 'hangup':
      return { kind: 'done' };
  }
}
