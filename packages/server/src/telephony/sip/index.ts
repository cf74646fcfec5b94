/**
 * The embedded SIP signalling layer: a UDP SIP UAS that hands INVITEs to a backend as
 * `SipInboundCall`s. See embedded-sip.ts.
 */
export { EmbeddedSip, type EmbeddedSipOptions, type EmbeddedSipStats } from './embedded-sip.js';
export { DEFAULT_TIMERS, type SipTimerConfig } from './sip-timers.js';
export type { SipLogger } from './udp-transport.js';
