/**
 * Band-limited resampling (windowed sinc, polyphase table). Own code rather than wavefile's
 * `toSampleRate` because that took 30-40 ms for one 4.7 s sentence (22,050 -> 8,000 Hz) on the main
 * thread, long enough to delay a call's 20 ms packets; this takes a few ms. The low-pass matters:
 * eSpeak's 22 kHz output has energy up to 11 kHz that would alias into the 4 kHz telephone band.
 */

/** Zero crossings of the sinc on each side: 8 keeps the transition band narrow at ~50 taps. */
const ZERO_CROSSINGS = 8;
/** Cut off at 90% of the output Nyquist (3.6 kHz at 8 kHz): above the 3.4 kHz telephone band, below aliasing. */
const ROLLOFF = 0.9;
/** Cap on the phase table; irrational-looking rate pairs are quantised to this many phases. */
const MAX_PHASES = 4096;

interface Filter {
  phases: number;
  /** Taps per phase; tap j of a phase applies to input sample floor(t) - half + 1 + j. */
  taps: number;
  half: number;
  table: Float32Array;
}

const filters = new Map<string, Filter>();

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function filterFor(fromRate: number, toRate: number): Filter {
  const key = `${fromRate}:${toRate}`;
  const cached = filters.get(key);
  if (cached) return cached;
  // Cutoff in cycles per input sample, relative to the input Nyquist.
  const cutoff = Math.min(1, toRate / fromRate) * ROLLOFF;
  const half = Math.ceil(ZERO_CROSSINGS / cutoff);
  const taps = 2 * half;
  const exact = toRate / gcd(fromRate, toRate);
  const phases = Math.min(exact, MAX_PHASES);
  const table = new Float32Array(phases * taps);
  for (let p = 0; p < phases; p++) {
    const frac = p / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      // Distance from the output instant to input sample (floor(t) - half + 1 + j).
      const x = frac - (j - half + 1);
      const arg = Math.PI * cutoff * x;
      const sinc = x === 0 ? 1 : Math.sin(arg) / arg;
      // Blackman window over the filter's span.
      const w = (x + half) / (2 * half);
      const window = w <= 0 || w >= 1 ? 0 : 0.42 - 0.5 * Math.cos(2 * Math.PI * w) + 0.08 * Math.cos(4 * Math.PI * w);
      const h = sinc * window;
      table[p * taps + j] = h;
      sum += h;
    }
    // Normalise each phase to unity DC gain so a constant stays constant.
    for (let j = 0; j < taps; j++) table[p * taps + j]! /= sum;
  }
  const filter = { phases, taps, half, table };
  filters.set(key, filter);
  return filter;
}

/** Resamples 16-bit mono PCM from `fromRate` to `toRate` Hz, low-passing first when going down. */
export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (!(fromRate > 0 && toRate > 0)) throw new RangeError(`Bad sample rates ${fromRate} -> ${toRate}`);
  if (fromRate === toRate) return input.slice();
  const { phases, taps, half, table } = filterFor(fromRate, toRate);
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Int16Array(outLength);
  const last = input.length - 1;
  for (let i = 0; i < outLength; i++) {
    const t = (i * fromRate) / toRate;
    let base = Math.floor(t);
    let phase = Math.round((t - base) * phases);
    if (phase === phases) {
      base += 1;
      phase = 0;
    }
    const first = base - half + 1;
    const row = phase * taps;
    let acc = 0;
    // Outside the input counts as silence; only the edges take the bounds-checked path.
    if (first >= 0 && first + taps - 1 <= last) {
      for (let j = 0; j < taps; j++) acc += input[first + j]! * table[row + j]!;
    } else {
      for (let j = 0; j < taps; j++) {
        const k = first + j;
        if (k >= 0 && k <= last) acc += input[k]! * table[row + j]!;
      }
    }
    out[i] = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
  }
  return out;
}
