import { now } from './pacing.js';

/**
 * One timer for every RTP stream in the process. With hundreds of calls each sending a packet every
 * 20 ms, a timer, a promise and abort listeners per packet cost more than the packets themselves
 * (a profile of 326 calls showed the event loop 81 % busy and timers 16 ms late at p99). Here the
 * streams' send times sit in a min-heap and a single timer fires for the earliest, sending every
 * packet due within the next millisecond in the same turn.
 */

/** Packets due this close run in the same turn: a packet a millisecond early is within any jitter buffer. */
const EARLY_MS = 1;

/** A scheduled run; itself the handle that cancels it (one allocation per packet, not three). */
class Entry {
  cancelled = false;
  constructor(
    readonly due: number,
    readonly run: () => void,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

export class Pacer {
  private readonly heap: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Number.POSITIVE_INFINITY;

  /** Runs `run` at `due` on the monotonic clock (or at once when it is past). */
  at(due: number, run: () => void): { cancel(): void } {
    const entry = new Entry(due, run);
    this.push(entry);
    if (due < this.timerDue) this.arm();
    return entry;
  }

  /** Entries waiting (cancelled ones until their time comes). */
  get size(): number {
    return this.heap.length;
  }

  private arm(): void {
    clearTimeout(this.timer);
    const top = this.heap[0];
    if (!top) {
      this.timer = undefined;
      this.timerDue = Number.POSITIVE_INFINITY;
      return;
    }
    this.timerDue = top.due;
    this.timer = setTimeout(() => this.fire(), Math.max(0, Math.ceil(top.due - now() - EARLY_MS)));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    const limit = now() + EARLY_MS;
    // Entries added while running (a stream's next packet) wait for the next turn unless already due.
    for (let top = this.heap[0]; top && top.due <= limit; top = this.heap[0]) {
      this.pop();
      if (top.cancelled) continue;
      try {
        top.run();
      } catch {
        // A stream's failure is its own; the others keep their schedule.
      }
    }
    this.arm();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.due <= entry.due) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (!last || heap.length === 0) return top;
    // Sift the last entry down from the root.
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      if (l >= n) break;
      const child = r < n && heap[r]!.due < heap[l]!.due ? r : l;
      if (heap[child]!.due >= last.due) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

/** The process's pacer: every embedded RTP stream schedules its packets here. */
export const pacer = new Pacer();
