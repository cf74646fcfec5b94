/**
 * An N-party mix: every 20 ms, on the thread's pacer, each participant is sent the sum of the others'
 * latest frame (never its own), clipped to 16 bits. Participants hand in decoded frames as they arrive
 * (push) and take their mix through a sink (an RtpSession's sendAudioFrame, which keeps that stream's
 * own SSRC, sequence and timestamp, or a MessagePort toward another media worker). The mixer only sees
 * PCM, so where a participant lives does not matter to it. DTMF never passes through here.
 */
import { FRAME_MS, FRAME_SAMPLES } from './g711.js';
import { pacer } from './pacer.js';
import { now } from './pacing.js';

/**
 * Frames kept per participant: enough to absorb the jitter between its arrivals and the mixer's tick,
 * few enough that a participant whose packets bunch up is not heard seconds late (older frames drop).
 */
const MAX_QUEUED = 3;

interface Member {
  queue: Int16Array[];
  send: (pcm: Int16Array) => void;
}

export class AudioMixer {
  readonly #members = new Map<number, Member>();
  #tick: { cancel(): void } | undefined;
  #due = 0;

  /** Adds a participant under `key`; `send` receives its 20 ms mix (a fresh buffer it may transfer). */
  join(key: number, send: (pcm: Int16Array) => void): void {
    this.#members.set(key, { queue: [], send });
    if (!this.#tick) {
      this.#due = now() + FRAME_MS;
      this.#tick = pacer.at(this.#due, () => this.#run());
    }
  }

  /** A frame the participant `key` said (decoded PCM, up to 160 samples). */
  push(key: number, pcm: Int16Array): void {
    const member = this.#members.get(key);
    if (!member) return;
    member.queue.push(pcm);
    if (member.queue.length > MAX_QUEUED) member.queue.shift();
  }

  leave(key: number): void {
    this.#members.delete(key);
    if (this.#members.size === 0) this.close();
  }

  get size(): number {
    return this.#members.size;
  }

  close(): void {
    this.#members.clear();
    this.#tick?.cancel();
    this.#tick = undefined;
  }

  #run(): void {
    // Next tick 20 ms after this one was due, so the mix keeps the wall-clock rate however late a turn ran.
    this.#due += FRAME_MS;
    if (this.#due < now() - 5 * FRAME_MS) this.#due = now() + FRAME_MS;
    this.#tick = pacer.at(this.#due, () => this.#run());
    const sum = new Int32Array(FRAME_SAMPLES);
    const frames = new Map<Member, Int16Array>();
    for (const member of this.#members.values()) {
      const frame = member.queue.shift();
      if (!frame) continue;
      frames.set(member, frame);
      for (let i = 0; i < frame.length && i < FRAME_SAMPLES; i++) sum[i] = sum[i]! + frame[i]!;
    }
    for (const member of this.#members.values()) {
      const own = frames.get(member);
      // Nobody else spoke this tick: nothing to send (the stream resumes as a new talkspurt).
      if (frames.size === 0 || (frames.size === 1 && own)) continue;
      const out = new Int16Array(FRAME_SAMPLES);
      for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = Math.max(-32768, Math.min(32767, sum[i]! - (own?.[i] ?? 0)));
      try {
        member.send(out);
      } catch {
        // One participant's failure (a closed port) is its own; the others still hear the mix.
      }
    }
  }
}
