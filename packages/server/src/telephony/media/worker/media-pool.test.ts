import { afterEach, describe, expect, it } from 'vitest';
import type { MediaSession } from '../../backend.js';
import type { RtpSession } from '../rtp-session.js';
import { LOOPBACK, openPair, waitForCount } from '../test-helpers.js';
import { sharedPcm } from '../shared-pcm.js';
import { RtpPorts } from '../udp-port.js';
import { tone } from '../wav.js';
import { MediaWorkerPool } from './media-pool.js';

/**
 * Sessions in media workers, against in-process sessions on loopback: the same MediaSession behaviour
 * (play, DTMF both ways, recording, live audio, stats, close) with the RTP in another thread.
 */
const RANGE: [number, number] = [30000, 30999];
const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((sum, s) => sum + s * s, 0) / Math.max(1, pcm.length));

describe('media worker pool', () => {
  let pool: MediaWorkerPool | undefined;
  const opened: Array<MediaSession | RtpSession> = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await pool?.terminate();
    pool = undefined;
  });

  /** A worker session and an in-process peer sending to each other. */
  async function workerAndPeer(ports: RtpPorts): Promise<[MediaSession, RtpSession]> {
    pool ??= new MediaWorkerPool({ size: 2 });
    const [peer, spare] = await openPair({ dtmfPayloadType: 101, ports });
    await spare.close();
    const bound = await pool.bind(ports, LOOPBACK, RANGE);
    const media = bound.start({ remote: peer.local, dtmfPayloadType: 101 });
    peer.setRemote(media.local);
    opened.push(media, peer);
    return [media, peer];
  }

  it('plays paced PCMA from the worker and counts it in stats()', async () => {
    const ports = new RtpPorts();
    const [media, peer] = await workerAndPeer(ports);
    const recording = peer.startRecording();
    await media.play(tone(1000, 400));
    expect(media.stats().packetsSent).toBe(20);
    await waitForCount(() => peer.stats().pcmaPacketsReceived, 20);
    expect(rms(recording.stop())).toBeGreaterThan(5000);
  });

  it('plays audio kept in shared memory (cached prompts) without taking it from its owner', async () => {
    const [media, peer] = await workerAndPeer(new RtpPorts());
    const prompt = sharedPcm(tone(1000, 200));
    await media.play(prompt);
    await media.play(prompt);
    expect(prompt.length).toBe(1600);
    expect(media.stats().packetsSent).toBe(20);
    await waitForCount(() => peer.stats().pcmaPacketsReceived, 20);
  });

  it('stops a play when its signal aborts', async () => {
    const [media] = await workerAndPeer(new RtpPorts());
    const abort = new AbortController();
    const playing = media.play(tone(1000, 10_000), { signal: abort.signal });
    await waitForCount(() => media.stats().packetsSent, 3);
    abort.abort();
    await playing;
    expect(media.stats().packetsSent).toBeLessThan(500);
  });

  it('sends and receives DTMF, records and hands over live audio', async () => {
    const [media, peer] = await workerAndPeer(new RtpPorts());
    const heard: string[] = [];
    media.onDtmf((d) => heard.push(d));
    const seen: string[] = [];
    peer.onDtmf((d) => seen.push(d));
    await media.sendDtmf('7');
    await waitForCount(() => seen.length, 1);
    expect(seen).toEqual(['7']);
    await expect(media.sendDtmf('x')).rejects.toThrow(RangeError);

    const frames: Int16Array[] = [];
    const off = media.onAudio((pcm) => frames.push(pcm));
    const recording = media.startRecording();
    await peer.play(tone(1000, 400));
    await peer.sendDtmf('#');
    await waitForCount(() => heard.length, 1);
    expect(heard).toEqual(['#']);
    expect(media.stats().dtmfReceived).toBe(1);
    const pcm = await recording.stop();
    expect(pcm.length).toBeGreaterThanOrEqual(3000);
    expect(rms(pcm.subarray(0, 3000))).toBeGreaterThan(5000);
    await waitForCount(() => frames.length, 20);
    expect(frames.every((f) => f.length === 160)).toBe(true);
    off();

    // A relayed frame leaves at once.
    media.sendAudioFrame(tone(800, 20));
    await waitForCount(() => media.stats().packetsSent, 1);
  });

  it('gives the port back on close and balances sessions over the workers', async () => {
    const ports = new RtpPorts();
    pool = new MediaWorkerPool({ size: 2 });
    const sessions = await Promise.all(
      Array.from({ length: 4 }, async () => (await pool!.bind(ports, LOOPBACK, RANGE)).start({ remote: { address: LOOPBACK, port: 9 } })),
    );
    expect(pool.loads()).toEqual([2, 2]);
    await Promise.all(sessions.map((s) => s.close()));
    expect(pool.loads()).toEqual([0, 0]);
    // Every port is free again: the whole two-port range can be taken twice over.
    const small: [number, number] = [RANGE[0], RANGE[0] + 2];
    for (let round = 0; round < 2; round++) {
      const bound = await Promise.all([pool.bind(ports, LOOPBACK, small), pool.bind(ports, LOOPBACK, small)]);
      expect(bound.map((b) => b.port).sort()).toEqual([small[0], small[1]]);
      await Promise.all(bound.map((b) => b.close()));
    }
  });
});
