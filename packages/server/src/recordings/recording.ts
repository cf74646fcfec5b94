import type { Schema } from '../http/contract.js';
import type { RecordingRow } from './store.js';

/** The recording as the API shows it; `baseUrl` is the API's public address (no trailing slash). */
export function toRecording(row: RecordingRow, baseUrl: string): Recording {
  return {
    id: row.id,
    object: 'recording' as const,
    account_id: row.account_id,
    call_id: row.call_id,
    status: row.status as 'completed',
    channels: row.channels === 2 ? 2 : 1,
    duration_seconds: Number(row.duration_seconds),
    size_bytes: Number(row.size_bytes),
    media_url: `${baseUrl.replace(/\/+$/, '')}/v1/recordings/${row.id}/media`,
    created_at: row.created_at,
  };
}

export type Recording = Schema<'Recording'>;

/** Whole seconds of 8 kHz audio, rounded up (a started second counts, like call durations). */
export function recordingSeconds(samples: number): number {
  return Math.ceil(samples / 8000);
}
