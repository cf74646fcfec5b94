/**
 * A recording of a call that may be bridged: what the far end sends (received), and what the other leg
 * of a bridge sends it through this session (relayed), each placed by its own RTP timestamps and mixed
 * when it stops. Without a bridge nothing is relayed and the recording is the received audio alone, as
 * it always was.
 */
import { now } from './pacing.js';
import { RecordingBuffer } from './recording-buffer.js';

export class TwoWayRecording {
  readonly #received = new RecordingBuffer();
  readonly #relayed = new RecordingBuffer();
  /** Monotonic time of the first received packet, to line the relayed audio up with it. */
  #firstReceivedAt: number | undefined;
  #relayedStarted = false;
  #paused = false;

  addReceived(pcm: Int16Array, timestamp: number, ssrc: number): void {
    if (this.#paused) return;
    this.#firstReceivedAt ??= now();
    this.#received.add(pcm, timestamp, ssrc);
  }

  addRelayed(pcm: Int16Array, timestamp: number, ssrc: number): void {
    if (this.#paused) return;
    if (!this.#relayedStarted) {
      // The two directions have no common clock but this thread's: the relayed audio starts as long
      // after the first received packet as it arrived after it.
      this.#relayedStarted = true;
      const at = now();
      this.#relayed.skip(Math.max(0, Math.round(((at - (this.#firstReceivedAt ?? at)) * 8000) / 1000)));
    }
    this.#relayed.add(pcm, timestamp, ssrc);
  }

  pause(): void {
    this.#paused = true;
    this.#received.pause();
    this.#relayed.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#received.resume();
    this.#relayed.resume();
  }

  /**
   * Both directions mixed (summed, clipped to 16 bits); with `channels` 2, kept apart instead and
   * interleaved: received left, relayed right (silence there when nothing was relayed).
   */
  toPcm(channels: 1 | 2 = 1): Int16Array {
    const received = this.#received.toPcm();
    if (channels === 2) {
      const relayed = this.#relayedStarted ? this.#relayed.toPcm() : new Int16Array(0);
      const frames = Math.max(received.length, relayed.length);
      const out = new Int16Array(frames * 2);
      for (let i = 0; i < frames; i++) {
        out[2 * i] = received[i] ?? 0;
        out[2 * i + 1] = relayed[i] ?? 0;
      }
      return out;
    }
    if (!this.#relayedStarted) return received;
    const relayed = this.#relayed.toPcm();
    const out = new Int16Array(Math.max(received.length, relayed.length));
    for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, (received[i] ?? 0) + (relayed[i] ?? 0)));
    return out;
  }
}
