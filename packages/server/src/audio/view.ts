import type { Schema } from '../http/contract.js';
import type { AudioRow } from './store.js';

export type AudioPrompt = Schema<'AudioPrompt'>;

/** The storage key of a prompt's A-law WAV (beside recordings, in the same object store). */
export function audioKey(accountId: string, audioId: string): string {
  return `${accountId}/${audioId}`;
}

/** The prompt as the API shows it; `base` is the API's public address for `media_url`. */
export function toAudio(row: AudioRow, base: string): AudioPrompt {
  return {
    id: row.id,
    object: 'audio' as const,
    account_id: row.account_id,
    name: row.name,
    status: row.status as AudioPrompt['status'],
    source_format: row.source_format as AudioPrompt['source_format'],
    duration_ms: row.duration_ms,
    size_bytes: row.size_bytes,
    rights_declaration: {
      text: row.rights_text,
      version: row.rights_version,
      accepted_at: row.rights_accepted_at,
      api_key_id: row.rights_api_key_id,
      contact_id: row.rights_contact_id,
    },
    takedown: row.taken_down_at ? { taken_down_at: row.taken_down_at, reason: row.takedown_reason ?? '' } : null,
    media_url: `${base}/v1/audio/${row.id}/media`,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
