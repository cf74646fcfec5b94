import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError, Prolope } from '@prolope/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endCall, markAnswered, openInboundCall } from '../calls/lifecycle.js';
import { systemClock } from '../clock.js';
import { startTestServer, storeKinds, type TestServer } from '../test/harness.js';
import { saveRecording } from './service.js';
import { fileRecordingStore } from '../store/object-store.js';

/**
 * `prolope.recordings.media()` against the real server: the recording is stored through the same
 * services a `record` verb uses (a call, then its WAV under the server's data folder), so the test
 * needs no SIP; the SDK must hand back exactly the bytes on disk.
 */
describe.each(storeKinds)('SDK download of a recording (%s)', (kind) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'prolope-sdk-media-'));
  let t: TestServer;
  let customer: Awaited<ReturnType<TestServer['customer']>>;
  let recordingId: string;

  beforeAll(async () => {
    t = await startTestServer(kind, { config: { dataDir, sipEnabled: false } });
    customer = await t.customer();
    const deps = { db: t.server.store.db, clock: systemClock, secrets: t.server.secrets };
    const call = await openInboundCall(deps, {
      accountId: customer.accountId,
      from: '+359888123456',
      to: '+35929000001',
      sipCallId: `sdk-media-${kind}`,
      trunkId: null,
      numberId: null,
    });
    await endCall(deps, await markAnswered(deps, call), { by: 'caller', cause: 'normal' });
    // A second and a half of a 440 Hz tone: real samples, so the WAV is not all zeros.
    const pcm = Int16Array.from({ length: 12_000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    const recording = await saveRecording({ ...deps, recordings: fileRecordingStore(dataDir), publicUrl: t.url }, call, pcm);
    recordingId = recording.id;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const sdk = (apiKey: string) => new Prolope({ apiKey, baseUrl: t.url });

  it('resolves to the Response holding the WAV byte for byte', async () => {
    const onDisk = readFileSync(join(dataDir, 'recordings', customer.accountId, `${recordingId}.wav`));

    const response = await sdk(customer.key).recordings.media(recordingId);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${recordingId}.wav"`);
    const wav = Buffer.from(await response.arrayBuffer());
    expect(wav.equals(onDisk)).toBe(true);
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.length).toBe(44 + 12_000 * 2);

    const meta = await sdk(customer.key).recordings.retrieve(recordingId);
    expect(meta.size_bytes).toBe(wav.length);
    expect(meta.media_url).toBe(`${t.url}/v1/recordings/${recordingId}/media`);
  });

  it('throws NotFoundError for another account’s recording and for a deleted one', async () => {
    const other = await t.customer();
    await expect(sdk(other.key).recordings.media(recordingId)).rejects.toBeInstanceOf(NotFoundError);

    await sdk(customer.key).recordings.delete(recordingId);
    const err = await sdk(customer.key)
      .recordings.media(recordingId)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).status).toBe(404);
  });
});
