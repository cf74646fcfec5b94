import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { commands } from './commands.js';
import { exitCodes } from './errors.js';
import { runCli } from './testing/run-cli.js';
import { accountFlags, startTestServer, type TestServer } from './testing/test-server.js';

/** A valid 8 kHz 16-bit mono WAV of `samples` (a header and PCM), as the server stores recordings. */
function wav(samples: Int16Array): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

let t: TestServer;
let env: Record<string, string>;
let audio: Buffer;
const recordingId = 'rec_01CLIDOWNLOAD';

beforeAll(async () => {
  t = await startTestServer();
  const created = await runCli(['accounts', 'create', ...accountFlags('Acme'), '--json'], { PROLOPE_API_KEY: t.operatorKey, PROLOPE_BASE_URL: t.url });
  expect(created.exitCode, created.stderr).toBe(0);
  const account = created.json<{ id: string; initial_api_key: { secret: string } }>();
  env = { PROLOPE_API_KEY: account.initial_api_key.secret, PROLOPE_BASE_URL: t.url };

  // A recording as the record verb leaves it: a call row, a recording row, and the WAV under the data
  // folder (<dataDir>/recordings/<account>/<id>.wav, see docs/voice.md). No SIP call needed.
  audio = wav(Int16Array.from({ length: 4000 }, (_, i) => Math.round(9000 * Math.sin((2 * Math.PI * 440 * i) / 8000))));
  const now = new Date().toISOString();
  const db = t.server.store.db;
  const callId = 'call_01CLIDOWNLOAD';
  await db
    .insertInto('calls')
    .values({
      id: callId,
      account_id: account.id,
      direction: 'inbound',
      from: '+359888123456',
      to: '+35929000001',
      status: 'completed',
      sip_call_id: 'cli-download',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('recordings')
    .values({ id: recordingId, account_id: account.id, call_id: callId, status: 'completed', channels: 1, duration_seconds: 1, size_bytes: audio.length, created_at: now })
    .execute();
  const folder = join(t.dir, 'data', 'recordings', account.id);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${recordingId}.wav`), audio);
});
afterAll(() => t?.close());

describe('recordings media: an operation that answers a file', () => {
  test('--output writes the exact bytes and says where they went', async () => {
    const file = join(t.dir, 'out.wav');
    const result = await runCli(['recordings', 'media', recordingId, '--output', file], env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(file).equals(audio)).toBe(true);
    expect(result.stdout).toBe(`Wrote ${audio.length} bytes (audio/wav) to ${file}.\n`);
  });

  test('--json with -o prints a JSON receipt, never the audio', async () => {
    const file = join(t.dir, 'out-json.wav');
    const result = await runCli(['recordings', 'media', recordingId, '-o', file, '--json'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.json()).toEqual({ object: 'download', path: file, content_type: 'audio/wav', size_bytes: audio.length });
    expect(readFileSync(file).equals(audio)).toBe(true);
  });

  test('without --output the raw bytes go to stdout (not JSON, not a table)', async () => {
    const result = await runCli(['recordings', 'media', recordingId], env);
    expect(result.exitCode, result.stderr).toBe(0);
    // runCli keeps stdout as UTF-8 text; decoding the expected bytes the same way compares like with like.
    expect(result.stdout).toBe(audio.toString('utf8'));
    expect(result.stdout.startsWith('RIFF')).toBe(true);
  });

  test('refuses to write audio to a terminal, or to stdout under --json, before sending anything', async () => {
    const wasTty = process.stdout.isTTY;
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    try {
      const tty = await runCli(['recordings', 'media', recordingId], { ...env, PROLOPE_BASE_URL: 'http://127.0.0.1:1' });
      expect(tty.exitCode).toBe(exitCodes.usage);
      expect(tty.stderr).toContain('answers audio/wav, which would garble the terminal: add --output <file>');
    } finally {
      Object.defineProperty(process.stdout, 'isTTY', { value: wasTty, configurable: true });
    }

    const json = await runCli(['recordings', 'media', recordingId, '--json'], { ...env, PROLOPE_BASE_URL: 'http://127.0.0.1:1' });
    expect(json.exitCode).toBe(exitCodes.usage);
    expect(json.errorJson().error).toMatchObject({ code: 'usage_error', message: expect.stringContaining('answers audio/wav, not JSON') });
    expect(json.stdout).toBe('');
  });

  test('a missing recording exits with 4 and writes no file', async () => {
    const file = join(t.dir, 'missing.wav');
    const result = await runCli(['recordings', 'media', 'rec_01NOSUCHTHING', '--output', file], env);
    expect(result.exitCode).toBe(exitCodes.notFound);
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });

  test('the command has --output (-o), says it answers a file, and shows both ways to save it', () => {
    const media = commands['recordings:media'];
    expect(media?.flags?.output).toMatchObject({ char: 'o', type: 'option' });
    expect(media?.description).toContain('Answers a file (audio/wav)');
    expect(media?.examples).toEqual(['<%= config.bin %> recordings media <id> --output <file>', '<%= config.bin %> recordings media <id> > <file>']);
    // Commands that answer JSON keep their flags as they were.
    expect(commands['recordings:retrieve']?.flags?.output).toBeUndefined();
  });
});
