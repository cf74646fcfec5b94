/**
 * The labelled speech set that the bench and the tests build (no audio is checked in): typical IVR
 * menu phrases spoken by espeak-ng in several voices and speeds, passed through a phone line
 * (300-3400 Hz, A-law) with white noise at a few SNRs. Needs `espeak-ng` on PATH.
 */
import { espeakNgEngine } from '../tts/espeak-ng-engine.js';
import { phoneChannel } from './phone-channel.js';

/** The phrases of a typical menu (24): departments, yes/no, digits and navigation. */
export const MENU_PHRASES: readonly string[] = Object.freeze([
  'billing',
  'sales',
  'support',
  'technical support',
  'account balance',
  'speak to an agent',
  'operator',
  'yes',
  'no',
  'repeat',
  'main menu',
  'cancel',
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'new order',
  'opening hours',
]);

/** espeak-ng voices of the set: American and British men, a woman and a Scottish accent. */
export const SET_VOICES: readonly string[] = Object.freeze(['en-us', 'en-gb', 'en-us+f3', 'en-gb-scotland']);
/** Speaking rates in words per minute: a slow and an ordinary caller. */
export const SET_RATES: readonly number[] = Object.freeze([140, 175]);
/** Noise levels measured: SNR in dB, null for the clean line. */
export const SET_SNRS: readonly (number | null)[] = Object.freeze([null, 30, 20, 10]);

/** One clip of the set. */
export interface LabelledClip {
  /** The phrase spoken (one of the menu's). */
  phrase: string;
  voice: string;
  rate: number;
  /** SNR in dB of the added noise; null for none. */
  snrDb: number | null;
  /** 8 kHz A-law, as a PCMA stream carries it. */
  alaw: Uint8Array;
}

/** Options for {@link buildLabelledSet}. */
export interface LabelledSetOptions {
  phrases?: readonly string[];
  voices?: readonly string[];
  rates?: readonly number[];
  snrs?: readonly (number | null)[];
  /** The espeak-ng executable; default `espeak-ng` from PATH. */
  command?: string;
}

/**
 * Builds the set: every phrase x voice x rate, each through the phone line at every SNR. The noise is
 * seeded by the clip's position, so two builds give the same bytes on the same espeak-ng.
 */
export async function buildLabelledSet(options: LabelledSetOptions = {}): Promise<LabelledClip[]> {
  const engine = espeakNgEngine({ ...(options.command ? { command: options.command } : {}), logger: { warn: () => {} } });
  const clips: LabelledClip[] = [];
  let seed = 1;
  for (const voice of options.voices ?? SET_VOICES) {
    for (const rate of options.rates ?? SET_RATES) {
      for (const phrase of options.phrases ?? MENU_PHRASES) {
        const speech = await engine.synthesize(phrase, { voice, rate });
        for (const snrDb of options.snrs ?? SET_SNRS) {
          clips.push({ phrase, voice, rate, snrDb, alaw: phoneChannel(speech, { snrDb: snrDb ?? undefined, seed: seed++ }) });
        }
      }
    }
  }
  return clips;
}
