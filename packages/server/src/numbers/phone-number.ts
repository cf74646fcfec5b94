import type { Schema } from '../http/contract.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { PhoneNumbersTable } from '../store/schema.js';
import type { NumberType } from './phone-facts.js';
import { effectiveStatus } from './quarantine.js';
import { readVoice } from './stored-voice.js';

export type { HttpMethod, VoiceApplication } from './voice-application.js';

export type PhoneNumberRow = PhoneNumbersTable;

export type Capability = Schema<'Capability'>;
export type Currency = Schema<'Currency'>;

export type ForwardingTarget = Schema<'ForwardingTarget'>;

export type Forwarding = Schema<'Forwarding'>;

/** Where the number's calls go instead of its voice application (a SIP user; more types later). */
export type NumberRoute = Schema<'NumberRoute'>;

export type AvailableNumber = Schema<'AvailableNumber'>;

export type InventoryNumber = Schema<'InventoryNumber'>;

export type PhoneNumber = Schema<'PhoneNumber'>;

/**
 * The number as an event carries it: events travel to webhook endpoints and sit in the outbox, so the
 * voice application's signing secret stays out of them (the owner reads it from the API).
 */
export function withoutSecrets(number: PhoneNumber): PhoneNumber {
  if (!number.voice?.signing_secret) return number;
  const { signing_secret: _secret, ...voice } = number.voice;
  return { ...number, voice };
}

function jsonOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function toAvailableNumber(row: PhoneNumberRow): AvailableNumber {
  return {
    object: 'available_number',
    number: row.number,
    country: row.country,
    type: row.type as NumberType,
    capabilities: JSON.parse(row.capabilities) as Capability[],
    monthly_price: row.monthly_price,
    setup_price: row.setup_price,
    currency: row.currency as Currency,
  };
}

export function toInventoryNumber(row: PhoneNumberRow, now: Date): InventoryNumber {
  const status = effectiveStatus(row, now);
  return {
    ...toAvailableNumber(row),
    object: 'inventory_number',
    id: row.id,
    status,
    account_id: row.account_id,
    // A quarantine that has run out is over: report the number as plainly available.
    quarantined_until: status === 'quarantined' ? row.quarantined_until : null,
  };
}

/**
 * A number as its holder sees it. Only an assigned row (with an account) is a PhoneNumber. `secrets`
 * opens the voice application's signing secret, kept sealed in the row (numbers/stored-voice.ts).
 */
export function toPhoneNumber(row: PhoneNumberRow, secrets: SecretBox): PhoneNumber {
  if (row.account_id === null || row.source === null || row.purchased_at === null) {
    throw new Error(`phone number ${row.id} is not assigned (status ${row.status}); only an account's number maps to a PhoneNumber`);
  }
  return {
    id: row.id,
    object: 'phone_number',
    account_id: row.account_id,
    number: row.number,
    country: row.country,
    type: row.type as NumberType,
    capabilities: JSON.parse(row.capabilities) as Capability[],
    monthly_price: row.monthly_price,
    setup_price: row.setup_price,
    currency: row.currency as Currency,
    source: row.source as PhoneNumber['source'],
    friendly_name: row.friendly_name,
    voice: readVoice(secrets, row.id, row.voice),
    sip_trunk_id: row.sip_trunk_id,
    forwarding: jsonOrNull<Forwarding>(row.forwarding),
    route: jsonOrNull<NumberRoute>(row.route),
    purchased_at: row.purchased_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
