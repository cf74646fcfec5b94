import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError, Prolope, ProlopeError } from './index.js';
import { bytes, problem, startServer, type TestServer, text } from './test-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { _backoff: { baseDelayMs: 1, maxDelayMs: 5 } };

// Not a real WAV: every byte value once, so any text decoding or JSON handling on the way would show.
const audio = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('operations that answer a file', () => {
  it('resolve to the Response, asking for the file type rather than JSON', async () => {
    server = await startServer([bytes(200, audio, 'audio/wav', { 'Content-Disposition': 'attachment; filename="rec_1.wav"' })]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    const response = await prolope.recordings.media('rec_1');

    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="rec_1.wav"');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(audio);
    const [req] = server.requests;
    expect(req?.method).toBe('GET');
    expect(req?.url).toBe('/v1/recordings/rec_1/media');
    expect(req?.headers.accept).toBe('audio/wav, application/problem+json');
    expect(req?.headers.authorization).toBe('Bearer k');
  });

  it('request() answers the same, and a caller’s own Accept header wins', async () => {
    server = await startServer(bytes(200, audio, 'audio/wav'));
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    const response = await prolope.request('recordings.media', { path: { id: 'rec_2' } }, { headers: { accept: 'audio/*' } });

    expect(new Uint8Array(await response.arrayBuffer())).toEqual(audio);
    expect(server.requests[0]?.headers.accept).toBe('audio/*');
  });

  it('retry a body cut off halfway, so the resolved Response always holds the whole file', async () => {
    server = await startServer([
      (res) => {
        res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': String(audio.length) });
        res.write(audio.subarray(0, 10));
        setTimeout(() => res.socket?.destroy(), 10);
      },
      bytes(200, audio, 'audio/wav'),
    ]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url, ...fast } as never);

    const response = await prolope.recordings.media('rec_1');

    expect(server.requests).toHaveLength(2);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(audio);
  });

  it('throw the typed error for a problem answer', async () => {
    server = await startServer([problem(404, 'resource_missing', 'No recording rec_9.')]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    const err = await prolope.recordings.media('rec_9').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).code).toBe('resource_missing');
  });

  it('refuse a 2xx of another type: baseUrl is not a Prolope API', async () => {
    server = await startServer([text(200, '<html>Welcome to nginx</html>')]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    const err = await prolope.recordings.media('rec_1').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ProlopeError);
    expect((err as Error).message).toBe(`GET /v1/recordings/{id}/media answered 200 with text/html, not audio/wav: is baseUrl (${server.url}) a Prolope API?`);
  });

  it('need the id before anything is sent', async () => {
    server = await startServer([bytes(200, audio, 'audio/wav')]);
    const prolope = new Prolope({ apiKey: 'k', baseUrl: server.url });

    await expect(prolope.recordings.media('')).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(0);
  });
});
