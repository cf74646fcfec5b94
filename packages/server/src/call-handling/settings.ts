import type { Schema } from '../http/contract.js';
import { schemaDefaults } from '../http/contract.js';
import type { CallHandlingRow } from './store.js';

export type CallHandling = Schema<'CallHandling'>;
export type CallHandlingUpdate = Schema<'CallHandlingUpdate'>;
export type ForwardTarget = Schema<'ForwardTarget'>;

/** The stored settings: every field present, targets null when unset. */
export type CallHandlingSettings = Omit<CallHandling, 'object' | 'sip_user_id' | 'updated_at'>;

/** A user who never set anything: rings as before, no forwarding, no DND. */
export const DEFAULT_SETTINGS: CallHandlingSettings = {
  do_not_disturb: false,
  forward_always: null,
  forward_busy: null,
  forward_no_answer: null,
  no_answer_seconds: schemaDefaults.CallHandlingUpdate.no_answer_seconds,
  forward_not_registered: null,
};

/** A PUT body as complete settings: what it leaves out takes its default. */
export function settingsOf(input: CallHandlingUpdate): CallHandlingSettings {
  return {
    do_not_disturb: input.do_not_disturb ?? DEFAULT_SETTINGS.do_not_disturb,
    forward_always: input.forward_always ?? null,
    forward_busy: input.forward_busy ?? null,
    forward_no_answer: input.forward_no_answer ?? null,
    no_answer_seconds: input.no_answer_seconds ?? DEFAULT_SETTINGS.no_answer_seconds,
    forward_not_registered: input.forward_not_registered ?? null,
  };
}

/** The stored row's settings, or the defaults when the user has none. */
export function storedSettings(row: CallHandlingRow | undefined): CallHandlingSettings {
  return row ? { ...DEFAULT_SETTINGS, ...(JSON.parse(row.settings) as Partial<CallHandlingSettings>) } : DEFAULT_SETTINGS;
}

export function toCallHandling(sipUserId: string, row: CallHandlingRow | undefined): CallHandling {
  return { object: 'call_handling', sip_user_id: sipUserId, ...storedSettings(row), updated_at: row?.updated_at ?? null };
}
