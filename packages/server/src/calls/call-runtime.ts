import { RtpPorts } from '../telephony/media/index.js';
import { PromptPlaybacks } from '../telephony/verbs/prompt-playbacks.js';
import { WavCache } from '../telephony/verbs/wav-cache.js';
import { ActiveCalls } from './active-calls.js';
import { ConferenceRooms } from './conference-rooms.js';
import { ReplaceableBridges } from './replaceable-bridges.js';

/**
 * The state one server instance keeps about its calls, built once by the composition root
 * (server.ts) and handed to the API and the voice side. Nothing of it is module state: two servers in
 * one process (tests start several) each have their own and never see the other's calls.
 */
export interface CallRuntime {
  /** The calls in progress here, for live control. */
  activeCalls: ActiveCalls;
  /** Prompts `play` fetched, decoded once for all of this server's calls. */
  wavs: WavCache;
  /** The RTP ports this server's calls hold (embedded media, and our legs toward rtpengine). */
  rtpPorts: RtpPorts;
  /** The `conference` verb's rooms: mixed in this process's media plane, so they live here. */
  conferences: ConferenceRooms;
  /** Stored prompts playing on this server's calls, which an operator's takedown stops (terms 10.3). */
  promptPlaybacks: PromptPlaybacks;
  /** Answered bridges a Replaces may name (attended transfer, RFC 3891). */
  bridges: ReplaceableBridges;
}

export function createCallRuntime(): CallRuntime {
  return { activeCalls: new ActiveCalls(), wavs: new WavCache(), rtpPorts: new RtpPorts(), conferences: new ConferenceRooms(), promptPlaybacks: new PromptPlaybacks(), bridges: new ReplaceableBridges() };
}
