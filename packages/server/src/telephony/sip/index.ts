/**
 * The embedded SIP signalling layer: a UDP SIP UAS that hands INVITEs to the calls domain as
 * `InboundCall`s. See embedded-sip.ts.
 */
export { EmbeddedSip, type EmbeddedSipOptions, type EmbeddedSipStats } from './embedded-sip.js';
export { DEFAULT_TIMERS, type SipTimerConfig } from './sip-timers.js';
export type { SipLogger } from './udp-transport.js';
