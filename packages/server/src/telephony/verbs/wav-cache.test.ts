import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tone, writeWav8k } from '../media/index.js';
import { WavCache } from './wav-cache.js';

/** Prompts from a real HTTP server that counts how often each is fetched. */
describe('WAV cache for play', () => {
  let server: Server;
  let base: string;
  const hits = new Map<string, number>();
  const wav = writeWav8k(tone(440, 500));

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '/';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const headers: Record<string, string> = { 'content-type': 'audio/wav' };
      if (path.startsWith('/no-store')) headers['cache-control'] = 'no-store';
      if (path.startsWith('/slow')) setTimeout(() => res.writeHead(200, headers).end(wav), 150);
      else if (path.startsWith('/missing')) res.writeHead(404).end();
      else res.writeHead(200, headers).end(wav);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  const signal = () => new AbortController().signal;
  const cache = new WavCache();
  const fetchWav = (url: string, s: AbortSignal) => cache.fetch(url, s);

  it('fetches a URL once for concurrent and later plays', async () => {
    const [a, b] = await Promise.all([fetchWav(`${base}/slow.wav`, signal()), fetchWav(`${base}/slow.wav`, signal())]);
    const c = await fetchWav(`${base}/slow.wav`, signal());
    expect(a.length).toBe(4000);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(hits.get('/slow.wav')).toBe(1);
  });

  it('fetches again when the server says no-store', async () => {
    await fetchWav(`${base}/no-store.wav`, signal());
    await fetchWav(`${base}/no-store.wav`, signal());
    expect(hits.get('/no-store.wav')).toBe(2);
  });

  it('a call that ends stops waiting, without failing the others waiting for the same fetch', async () => {
    const ending = new AbortController();
    const mine = fetchWav(`${base}/slow-shared.wav`, ending.signal);
    const theirs = fetchWav(`${base}/slow-shared.wav`, signal());
    ending.abort(new Error('hung up'));
    await expect(mine).rejects.toThrow('hung up');
    expect((await theirs).length).toBe(4000);
  });

  it('does not keep failures', async () => {
    await expect(fetchWav(`${base}/missing.wav`, signal())).rejects.toThrow('answered 404');
    await expect(fetchWav(`${base}/missing.wav`, signal())).rejects.toThrow('answered 404');
    expect(hits.get('/missing.wav')).toBe(2);
  });

  it('keeps one cache per server: another cache (another server in the process) fetches for itself', async () => {
    const first = await fetchWav(`${base}/per-server.wav`, signal());
    const other = await new WavCache().fetch(`${base}/per-server.wav`, signal());
    expect(other).not.toBe(first);
    expect(other).toEqual(first);
    expect(hits.get('/per-server.wav')).toBe(2);
  });
});
