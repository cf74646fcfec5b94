import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingHandle } from '../backend.js';
import { decodePcma, decodeRtp, type RtpLogger } from '../media/index.js';
import { type PcapUdpPacket, readPcapUdp } from '../media/pcap-reader.js';
import { RecordingBuffer } from '../media/recording-buffer.js';
import type { RtpengineNg } from './rtpengine-ng.js';

/**
 * Recording done by rtpengine itself (`--recording-method=pcap`, userspace): `start recording` makes it
 * write every packet of the call to `<dir>/pcaps/<call-id>-<random>.pcap` (raw IPv4, linktype 101,
 * each packet with its real source and rtpengine's receiving port as destination), and `stop
 * recording` closes that file. So the far end's audio is the PCMA addressed to rtpengine's port
 * toward the far end, placed by RTP timestamp as the in-process recording does.
 *
 * Facts checked against rtpengine 10.5 that shape this:
 * - the file is written through stdio and only complete once `stop recording` (or `delete`) closed
 *   it, so a recording's audio can only be read after an ng round trip: stop() is async;
 * - every `start recording` opens a new file, and the ng reply does not name it: we list pcaps/
 *   around the command and take the new file with this call's prefix;
 * - recording is per call, not per requester, while several recordings may run at once on one call
 *   (the record verb and one started through the API). rtpengine records while at least one of ours
 *   wants audio; each recording keeps the wall-clock spans it wanted and takes the packets captured
 *   within them (rtpengine stamps packets with the same clock, it runs on this host since it must
 *   share the directory with us). Pausing stops rtpengine's recording when no other wants it, so
 *   paused audio (a card number read out) never reaches the disk.
 */
export interface PcapRecorderOptions {
  ng: RtpengineNg;
  callId: string;
  /** rtpengine's `--recording-dir`, as this process sees it (same host, or a volume at the same path). */
  dir: string;
  /** rtpengine's port the far end sends to: the far end's packets are the ones captured toward it. */
  farEndPort: number;
  logger?: RtpLogger;
}

/** A stretch of wall-clock time (ms since the epoch) a recording wanted audio; `to` is open while it runs. */
export interface RecordingSpan {
  from: number;
  to: number | undefined;
}

interface Recording {
  spans: RecordingSpan[];
  result: Promise<Int16Array> | undefined;
}

export class PcapRecorder {
  readonly #o: PcapRecorderOptions;
  readonly #prefix: string;
  readonly #recordings = new Set<Recording>();
  /** Files written for recordings that have not all stopped yet, in order. */
  #segments: string[] = [];
  readonly #seen = new Set<string>();
  readonly #mutes: Array<{ at: number; muted: boolean }> = [];
  #on = false;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: PcapRecorderOptions) {
    this.#o = opts;
    this.#prefix = `${rtpengineFileId(opts.callId)}-`;
  }

  /** While muted the far end is recorded as silence of the same length, as the in-process recording does. */
  setMuted(muted: boolean): void {
    this.#mutes.push({ at: Date.now(), muted });
  }

  start(): RecordingHandle {
    const rec: Recording = { spans: [{ from: Date.now(), to: undefined }], result: undefined };
    if (this.#closed) rec.spans[0]!.to = rec.spans[0]!.from;
    this.#recordings.add(rec);
    this.#sync(false);
    const open = () => rec.result === undefined && rec.spans.at(-1)!.to === undefined;
    return {
      pause: () => {
        if (!open()) return;
        rec.spans.at(-1)!.to = Date.now();
        this.#sync(false);
      },
      resume: () => {
        if (rec.result !== undefined || this.#closed || open()) return;
        rec.spans.push({ from: Date.now(), to: undefined });
        this.#sync(false);
      },
      stop: () => {
        if (rec.result) return rec.result;
        const last = rec.spans.at(-1)!;
        last.to ??= Date.now();
        // Another recording still running keeps rtpengine's file open (and unflushed): start a new one.
        this.#sync(this.#wanted());
        rec.result = this.#enqueue(async () => {
          try {
            return await this.#read(rec);
          } finally {
            await this.#forgetIfDone(rec);
          }
        });
        return rec.result;
      },
    };
  }

  /** Stops rtpengine's recording; recordings not stopped yet can still be read (their spans end here). */
  async close(): Promise<void> {
    if (this.#closed) return this.#queue.then(() => {});
    this.#closed = true;
    const at = Date.now();
    for (const rec of this.#recordings) {
      const last = rec.spans.at(-1)!;
      last.to ??= at;
    }
    this.#sync(false);
    await this.#queue;
  }

  #wanted(): boolean {
    if (this.#closed) return false;
    for (const rec of this.#recordings) if (rec.result === undefined && rec.spans.at(-1)!.to === undefined) return true;
    return false;
  }

  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(job);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Brings rtpengine's recording in line with what our recordings want (rotate: close the file and open a new one). */
  #sync(rotate: boolean): void {
    void this.#enqueue(async () => {
      try {
        const want = this.#wanted();
        if (this.#on && (!want || rotate)) {
          this.#on = false;
          await this.#o.ng.command('stopRecording', { 'call-id': this.#o.callId });
        }
        if (!this.#on && want) {
          const before = new Set(await this.#list());
          await this.#o.ng.command('startRecording', { 'call-id': this.#o.callId });
          this.#on = true;
          const fresh = (await this.#list()).filter((f) => !before.has(f) && !this.#seen.has(f));
          if (fresh.length === 0) this.#o.logger?.warn({ callId: this.#o.callId, dir: this.#o.dir }, 'rtpengine recording: no pcap file appeared');
          for (const f of fresh) {
            this.#seen.add(f);
            this.#segments.push(f);
          }
        }
      } catch (err) {
        this.#o.logger?.warn({ err, callId: this.#o.callId }, 'rtpengine recording: start/stop failed');
      }
    });
  }

  async #list(): Promise<string[]> {
    const names = await readdir(join(this.#o.dir, 'pcaps')).catch(() => [] as string[]);
    return names.filter((n) => n.startsWith(this.#prefix) && n.endsWith('.pcap')).sort();
  }

  async #read(rec: Recording): Promise<Int16Array> {
    const packets: PcapUdpPacket[] = [];
    for (const name of this.#segments) {
      try {
        for (const p of readPcapUdp(await readFile(join(this.#o.dir, 'pcaps', name)))) if (p.dstPort === this.#o.farEndPort) packets.push(p);
      } catch (err) {
        this.#o.logger?.warn({ err, callId: this.#o.callId, file: name }, 'rtpengine recording: pcap unreadable');
      }
    }
    return farEndAudio(packets, rec.spans, (at) => this.#mutedAt(at));
  }

  #mutedAt(at: number): boolean {
    let muted = false;
    for (const m of this.#mutes) {
      if (m.at > at) break;
      muted = m.muted;
    }
    return muted;
  }

  /** Once every recording has been read, rtpengine's files have served: delete them (pcap and metadata). */
  async #forgetIfDone(rec: Recording): Promise<void> {
    // A recording leaves the set only once read, so an empty set means no one needs the files.
    this.#recordings.delete(rec);
    if (this.#recordings.size > 0 || this.#on) return;
    const files = this.#segments;
    this.#segments = [];
    for (const name of files) {
      const base = name.slice(0, -'.pcap'.length);
      await Promise.all(
        [join('pcaps', name), join('metadata', `rtpengine-meta-${base}.txt`), join('tmp', `rtpengine-meta-${base}.tmp`)].map((f) =>
          rm(join(this.#o.dir, f), { force: true }).catch((err) => this.#o.logger?.warn({ err, file: f }, 'rtpengine recording: file not removed')),
        ),
      );
    }
  }
}

/**
 * The far end's PCMA captured within the spans, decoded to 8 kHz PCM. Each span is placed by RTP
 * timestamp on its own (losses and silences keep their length) and the spans follow each other, so a
 * paused stretch is left out rather than kept as silence, as with the in-process recording.
 */
export function farEndAudio(packets: readonly PcapUdpPacket[], spans: readonly RecordingSpan[], mutedAt: (ms: number) => boolean = () => false): Int16Array {
  const parts: Int16Array[] = [];
  for (const span of spans) {
    const buffer = new RecordingBuffer();
    for (const p of packets) {
      const at = p.time * 1000;
      if (at < span.from || (span.to !== undefined && at >= span.to)) continue;
      const rtp = decodeRtp(p.payload);
      if (rtp?.payloadType !== 8) continue;
      buffer.add(mutedAt(at) ? new Int16Array(rtp.payload.length) : decodePcma(rtp.payload), rtp.timestamp, rtp.ssrc);
    }
    parts.push(buffer.toPcm());
  }
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** How rtpengine names a call's files: the call-id URI-escaped (all but RFC 3986 unreserved characters). */
export function rtpengineFileId(callId: string): string {
  return Array.from(new TextEncoder().encode(callId), (b) =>
    /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
}
