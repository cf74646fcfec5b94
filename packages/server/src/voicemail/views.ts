import type { Schema } from '../http/contract.js';
import type { VoicemailBoxRow, VoicemailMessageRow } from './store.js';

export type VoicemailBox = Schema<'VoicemailBox'>;
export type VoicemailMessage = Schema<'VoicemailMessage'>;
export type Greetings = VoicemailBox['greetings'];

/** The box as the API shows it: never the PIN nor its hash. */
export function toVoicemailBox(row: VoicemailBoxRow): VoicemailBox {
  return {
    id: row.id,
    object: 'voicemail_box' as const,
    account_id: row.account_id,
    name: row.name,
    sip_user_id: row.sip_user_id,
    email: row.email,
    max_message_seconds: Number(row.max_message_seconds),
    greetings: JSON.parse(row.greetings) as Greetings,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The message as the API shows it; `baseUrl` is the API's public address. */
export function toVoicemailMessage(row: VoicemailMessageRow, baseUrl: string): VoicemailMessage {
  return {
    id: row.id,
    object: 'voicemail_message' as const,
    account_id: row.account_id,
    box_id: row.box_id,
    call_id: row.call_id,
    from: row.from_number,
    duration_seconds: Number(row.duration_seconds),
    size_bytes: Number(row.size_bytes),
    heard: Number(row.heard) === 1,
    media_url: `${baseUrl.replace(/\/+$/, '')}/v1/voicemail-boxes/${row.box_id}/messages/${row.id}/media`,
    created_at: row.created_at,
  };
}
