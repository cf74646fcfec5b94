export { type HoldOutcome, type PhoneCallEnd, PhoneCall, type PhoneDialog } from './phone-call.js';
export { type RegisterOutcome, Registration, type RegistrationOptions } from './registration.js';
export { type IncomingCall, type PlaceCallOutcome, Softphone, type SoftphoneOptions } from './softphone.js';
