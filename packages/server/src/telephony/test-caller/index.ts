/**
 * The built-in test caller: places a real SIP call to a Prolope server (or any SIP endpoint), sends
 * DTMF and returns a timeline of the SIP messages, RTP and digits. `prolope call test` runs it.
 */
export { parseDigits } from './network.js';
export { placeTestCall } from './place-test-call.js';
export type { RtpReceived } from './rtp-check.js';
export { formatEntry, sdpSummary, type DtmfEntry, type EndEntry, type RtpEntry, type SipEntry, type TimelineEntry } from './timeline.js';
export type { TestCallOptions, TestCallResult } from './types.js';
