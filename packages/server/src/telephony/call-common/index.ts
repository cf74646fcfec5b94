export { EndOnce } from './end-once.js';
export { type HangupSteps, hangupInbound, awaitingFinal, checkRejectStatus, type InboundCallState } from './inbound-state.js';
export { type DigestRealm, InviteAuth, type InviteAuthOptions } from './invite-auth.js';
