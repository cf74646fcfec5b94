/**
 * Collects received PCMA audio into one 8 kHz PCM buffer, placing each packet at the position its
 * RTP timestamp gives. Why by timestamp and not in arrival order: lost packets and silence between
 * talkspurts (or during DTMF) then become silence of the right length, and reordered packets land in
 * the right place, so the recording keeps the call's real timeline.
 */

/** Largest forward jump (in samples) taken as a gap; beyond it the stream is assumed to have reset. */
const MAX_GAP_SAMPLES = 8000 * 10;

/** A growing recording fed with decoded frames and their RTP timestamps. */
export class RecordingBuffer {
  private data = new Int16Array(8000 * 4);
  private length = 0;
  /** RTP timestamp and SSRC that sample `baseOffset` of the buffer corresponds to. */
  private baseTs: number | undefined;
  private baseOffset = 0;
  private ssrc: number | undefined;
  private paused = false;

  /** Drops what arrives until resume(); the paused part is left out of the recording, not kept as silence. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    // The next packet continues at the end, however far its timestamp moved on while paused.
    this.baseTs = undefined;
  }

  /** Starts an empty recording with `samples` of silence (its audio began that late). */
  skip(samples: number): void {
    if (this.length > 0 || this.baseTs !== undefined) return;
    this.ensure(samples);
    this.length = samples;
  }

  /** Adds one decoded packet. */
  add(samples: Int16Array, timestamp: number, ssrc: number): void {
    if (this.paused) return;
    if (this.baseTs === undefined || ssrc !== this.ssrc) {
      this.rebase(timestamp, ssrc, this.length);
    }
    // 32-bit timestamp distance read as signed, so a wrap of the timestamp still gives a small step.
    let offset = this.baseOffset + ((timestamp - this.baseTs!) | 0);
    if (offset < 0 && offset >= -MAX_GAP_SAMPLES) return; // late packet from before the recording began
    if (offset < 0 || offset - this.length > MAX_GAP_SAMPLES) {
      // A timestamp discontinuity (sender reset or jump): continue at the end instead of allocating a gap.
      this.rebase(timestamp, ssrc, this.length);
      offset = this.length;
    }
    const end = offset + samples.length;
    this.ensure(end);
    this.data.set(samples, offset);
    this.length = Math.max(this.length, end);
  }

  /** The recording so far (a copy). */
  toPcm(): Int16Array {
    return this.data.slice(0, this.length);
  }

  private rebase(timestamp: number, ssrc: number, offset: number): void {
    this.baseTs = timestamp;
    this.ssrc = ssrc;
    this.baseOffset = offset;
  }

  private ensure(size: number): void {
    if (size <= this.data.length) return;
    let capacity = this.data.length;
    while (capacity < size) capacity *= 2;
    const grown = new Int16Array(capacity);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }
}
