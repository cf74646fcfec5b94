import { createServer, type Server } from 'node:http';
import { Mp3Encoder } from '@breezystack/lamejs';
import wavefile from 'wavefile';

/** A sine tone as 16-bit PCM at `rate`. */
export function sine(rate: number, seconds: number, frequencyHz = 440, amplitude = 8000): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / rate));
  return out;
}

/** A 16-bit PCM WAV of `samples` at `rate` (stereo when `channels` is 2: the same audio twice). */
export function pcmWav(samples: Int16Array, rate: number, channels = 1): Buffer {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels, rate, '16', channels === 1 ? samples : [samples, samples]);
  return Buffer.from(wav.toBuffer());
}

/** An MP3 (MPEG-1/2 layer III, mono) of `samples` at `rate`, encoded by LAME (lamejs). */
export function mp3(samples: Int16Array, rate: number, kbps = 64): Buffer {
  const encoder = new Mp3Encoder(1, rate, kbps);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < samples.length; i += 1152) parts.push(encoder.encodeBuffer(samples.subarray(i, i + 1152)));
  parts.push(encoder.flush());
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

/** Root mean square of 16-bit samples. */
export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** A local HTTP server answering each path from `files` (200 with the bytes) and 404 otherwise. */
export async function fileServer(files: Map<string, Buffer>): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { server, base: `http://127.0.0.1:${address.port}` };
}
