import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tone } from '../media/wav.js';
import { recognizerFromEnv } from './recognizer-from-env.js';
import { seededRandom, whiteNoise } from './phone-channel.js';
import { TranscriptionServerError, transcriptionRecognizer } from './transcription-recognizer.js';

/** What the stand-in server saw of one request. */
interface Seen {
  path: string;
  authorization: string | undefined;
  fields: Record<string, string>;
  file: { name: string; type: string; bytes: Uint8Array } | undefined;
}

// A real HTTP server on loopback answering like OpenAI's /v1/audio/transcriptions: our stand-in for
// the cloud the tests cannot reach. It answers with whatever transcript (or failure) the test sets.
let server: Server;
let base: string;
const seen: Seen[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{"text":""}' };

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await readBody(req);
    // The platform's own multipart parser reads the form the client sent.
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: new Uint8Array(body),
    }).formData();
    const fields: Record<string, string> = {};
    let file: Seen['file'];
    for (const [key, value] of form.entries()) {
      if (typeof value === 'string') fields[key] = value;
      else file = { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
    }
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, fields, file });
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Half a second of line noise, a second of "speech" (a tone stands in: the server does not listen), then noise. */
function utterance(): Int16Array {
  const noise = whiteNoise(20_000, seededRandom(9));
  const pcm = Int16Array.from(noise, (v) => Math.round(v * 0.003 * 32768));
  pcm.set(tone(300, 1000, 0.3), 4000);
  return pcm;
}

const menu = ['Billing', 'Support', 'Technical support'];

describe('transcription recognizer (OpenAI-compatible)', () => {
  it('posts the audio as a WAV with the model, language and the menu as a prompt, and matches the transcript', async () => {
    seen.length = 0;
    answer = { status: 200, body: JSON.stringify({ text: " I'd like technical support, please." }) };
    const recognizer = transcriptionRecognizer({ url: `${base}/`, apiKey: 'sk-test-123', model: 'whisper-large' });
    const result = await recognizer.recognize({ pcm: utterance() }, menu);
    expect(result).toEqual({ phrase: 'Technical support', confidence: null, transcript: "I'd like technical support, please." });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request!.path).toBe('/v1/audio/transcriptions');
    expect(request!.authorization).toBe('Bearer sk-test-123');
    expect(request!.fields).toEqual({ model: 'whisper-large', language: 'en', response_format: 'json', prompt: 'Billing, Support, Technical support' });
    expect(request!.file!.name).toBe('speech.wav');
    expect(request!.file!.type).toBe('audio/wav');
    const wav = Buffer.from(request!.file!.bytes);
    expect(wav.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(8000); // sample rate in the fmt chunk
    expect(wav.length).toBe(44 + 2 * 20_000);
  });

  it('gives no phrase when the transcript names none of the menu', async () => {
    answer = { status: 200, body: '{"text":"what are your opening hours"}' };
    const result = await transcriptionRecognizer({ url: base }).recognize({ pcm: utterance() }, menu);
    expect(result).toEqual({ phrase: null, confidence: null, transcript: 'what are your opening hours' });
  });

  it('sends no request for silence or steady noise', async () => {
    seen.length = 0;
    const recognizer = transcriptionRecognizer({ url: base });
    expect((await recognizer.recognize({ pcm: new Int16Array(16_000) }, menu)).phrase).toBeNull();
    const noise = Int16Array.from(whiteNoise(16_000, seededRandom(2)), (v) => Math.round(v * 0.05 * 32768));
    expect((await recognizer.recognize({ pcm: noise }, menu)).phrase).toBeNull();
    expect(seen).toHaveLength(0);
  });

  it('fails with the status and the server message, never the key', async () => {
    answer = { status: 401, body: '{"error":{"message":"Incorrect API key provided"}}' };
    const recognizer = transcriptionRecognizer({ url: base, apiKey: 'sk-secret-456' });
    const failure = await recognizer.recognize({ pcm: utterance() }, menu).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TranscriptionServerError);
    expect((failure as TranscriptionServerError).status).toBe(401);
    expect((failure as Error).message).toMatch(/answered 401: .*Incorrect API key provided/);
    expect((failure as Error).message).not.toContain('sk-secret-456');
  });

  it('fails on an answer that is not a transcript', async () => {
    answer = { status: 200, body: '<html>proxy</html>' };
    await expect(transcriptionRecognizer({ url: base }).recognize({ pcm: utterance() }, menu)).rejects.toThrow(/no JSON \{"text": \.\.\.\}/);
  });
});

describe('recognizerFromEnv', () => {
  it('runs the built-in recognizer unless PROLOPE_SPEECH_URL is set', () => {
    expect(recognizerFromEnv({}).name).toBe('soundswallower');
    expect(recognizerFromEnv({ PROLOPE_SPEECH_URL: ' ' }).name).toBe('soundswallower');
  });

  it('runs the transcription client for PROLOPE_SPEECH_URL, with its key and model', async () => {
    seen.length = 0;
    answer = { status: 200, body: '{"text":"billing"}' };
    const recognizer = recognizerFromEnv({ PROLOPE_SPEECH_URL: base, PROLOPE_SPEECH_API_KEY: 'k1', PROLOPE_SPEECH_MODEL: 'm1' });
    expect(recognizer.name).toBe('openai-compatible');
    expect((await recognizer.recognize({ pcm: utterance() }, menu)).phrase).toBe('Billing');
    expect(seen[0]!.authorization).toBe('Bearer k1');
    expect(seen[0]!.fields.model).toBe('m1');
  });

  it.each(['ftp://example.com/v1', 'api.openai.com/v1'])('refuses PROLOPE_SPEECH_URL=%j, naming the variable', (url) => {
    expect(() => recognizerFromEnv({ PROLOPE_SPEECH_URL: url })).toThrow(/PROLOPE_SPEECH_URL must be an http\(s\) URL/);
  });
});
