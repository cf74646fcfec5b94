import { monotonicFactory } from 'ulid';

// ULIDs sort by creation time, so a cursor is just the last id seen and lists can be
// newest-first without a separate sort column; monotonic keeps order within one millisecond.
const ulid = monotonicFactory();

export const idPrefixes = {
  account: 'acct',
  apiKey: 'key',
  contact: 'ctc',
  event: 'evt',
  phoneNumber: 'pn',
  sipTrunk: 'trk',
  sipUser: 'sipu',
  sipRegistration: 'sreg',
  audio: 'aud',
  voicemailBox: 'vmb',
  schedule: 'sch',
  voicemailMessage: 'vmm',
  ringGroup: 'rgrp',
  flow: 'flw',
  carrier: 'car',
  numberPort: 'port',
  portDocument: 'doc',
  call: 'call',
  // A conference room while it lasts (calls/conference-rooms.ts); never stored.
  conference: 'conf',
  recording: 'rec',
  webhookEndpoint: 'we',
  delivery: 'dlv',
  // A call's status callback as a delivery target (events/call-subscriptions.ts).
  callSubscription: 'csub',
  attempt: 'att',
  plan: 'plan',
  subscription: 'sub',
  priceChange: 'pchg',
  invoice: 'inv',
  invoiceLine: 'il',
  payment: 'pay',
  creditNote: 'cn',
  testClock: 'clock',
  export: 'exp',
  incident: 'inc',
  incidentComment: 'icm',
  maintenanceWindow: 'mw',
  outage: 'out',
  sipSourceBan: 'ban',
  // The webhook-id of a signed request to a voice application.
  message: 'msg',
} as const;

export type IdKind = keyof typeof idPrefixes;

/** A new prefixed id such as `acct_01JD...`. */
export function newId(kind: IdKind, at: Date = new Date()): string {
  return `${idPrefixes[kind]}_${ulid(at.getTime())}`;
}
