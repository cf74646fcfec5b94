import type { components } from '../../http/contract.js';

type Schemas = components['schemas'];

/** One call-control verb, as the spec defines it (openapi/schemas/voice.yaml). */
export type Verb = Schemas['Verb'];
export type SayVerb = Schemas['SayVerb'];
export type PlayVerb = Schemas['PlayVerb'];
export type GatherVerb = Schemas['GatherVerb'];
export type RejectVerb = Schemas['RejectVerb'];
export type RedirectVerb = Schemas['RedirectVerb'];
export type RecordVerb = Schemas['RecordVerb'];
export type DialVerb = Schemas['DialVerb'];
export type ConferenceVerb = Schemas['ConferenceVerb'];
export type VoicemailVerb = Schemas['VoicemailVerb'];

/** The call as a voice application is told about it (the spec's VoiceRequest, without `digits`). */
export interface CallContext {
  call_id: string;
  account_id: string;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound';
  status: string;
}

/** Where and how to ask for instructions. */
export interface InstructionSource {
  url: string;
  method: 'POST' | 'GET';
}
