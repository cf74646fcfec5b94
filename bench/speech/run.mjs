#!/usr/bin/env node
// Speech menus: how often the built-in recognizer (soundswallower, 8 kHz model, a grammar of the
// menu's phrases) hears the right phrase on telephone audio, and what it costs in CPU. The labelled
// set is built here, not checked in: the 24 phrases of a typical menu spoken by espeak-ng (4 voices,
// 2 speeds), through a phone line (300-3400 Hz, A-law) with white noise at 30, 20 and 10 dB SNR, and
// clean. Targets from issue 18: >= 95 % right at 20 dB, real-time factor (CPU time / audio time) <= 0.1.
//
// Also counts false accepts: noise-only clips (steady line noise at the clips' levels) that gave a phrase.
//
// Env: BENCH_SPEECH_VOICES (comma list of espeak-ng voices), BENCH_SPEECH_RATES (words per minute),
// BENCH_JSON=1 for the JSON lines bench/all.mjs reads. Needs espeak-ng on PATH and `pnpm build`
// first (`pnpm bench:speech` does both). Prints figures; asserts nothing; exits non-zero only when it
// cannot measure (no espeak-ng, the recognizer fails).
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildLabelledSet, MENU_PHRASES, soundswallowerRecognizer } from '@prolope/server';

const TARGET_ACCURACY = 95;
const TARGET_RTF = 0.1;
const list = (name) =>
  process.env[name]
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const voices = list('BENCH_SPEECH_VOICES');
const rates = list('BENCH_SPEECH_RATES')?.map(Number);

let clips;
const built = performance.now();
try {
  clips = await buildLabelledSet({ ...(voices ? { voices } : {}), ...(rates ? { rates } : {}) });
} catch (err) {
  console.error(`bench/speech: could not build the labelled set (is espeak-ng installed? apt-get install espeak-ng): ${err.message}`);
  process.exit(1);
}
console.log(`labelled set: ${clips.length} clips built in ${((performance.now() - built) / 1000).toFixed(1)} s`);

const recognizer = soundswallowerRecognizer();
// The first recognition loads the model: timed on its own, not in the real-time factor.
const loadStart = performance.now();
const rssBefore = process.memoryUsage().rss;
await recognizer.recognize({ alaw: clips[0].alaw }, MENU_PHRASES);
const loadMs = performance.now() - loadStart;
const modelMb = (process.memoryUsage().rss - rssBefore) / 1e6;

const key = (snr) => (snr === null ? 'clean' : `${snr} dB`);
const bySnr = new Map();
const byVoiceAt20 = new Map();
let cpuSeconds = 0;
let audioSeconds = 0;
const misses = [];
for (const clip of clips) {
  const cpu = process.cpuUsage();
  const result = await recognizer.recognize({ alaw: clip.alaw }, MENU_PHRASES);
  const used = process.cpuUsage(cpu);
  cpuSeconds += (used.user + used.system) / 1e6;
  audioSeconds += clip.alaw.length / 8000;
  const right = result.phrase === clip.phrase;
  const row = bySnr.get(key(clip.snrDb)) ?? { right: 0, none: 0, wrong: 0, n: 0 };
  row.n++;
  if (right) row.right++;
  else if (result.phrase === null) row.none++;
  else row.wrong++;
  bySnr.set(key(clip.snrDb), row);
  if (clip.snrDb === 20) {
    const v = byVoiceAt20.get(clip.voice) ?? { right: 0, n: 0 };
    v.n++;
    if (right) v.right++;
    byVoiceAt20.set(clip.voice, v);
    if (!right) misses.push(`${clip.voice} @${clip.rate} "${clip.phrase}" -> ${result.phrase === null ? 'nothing' : `"${result.phrase}"`}`);
  }
}

// False accepts: 2 s of each of the first 48 noisy clips' own line noise (band-limited, A-law), nothing said.
let noiseClips = 0;
let falseAccepts = 0;
for (const clip of clips.filter((c) => c.snrDb !== null).slice(0, 48)) {
  // The clip's own noise, taken from before the speech starts (its first 0.4 s), repeated to 2 s.
  const lead = clip.alaw.subarray(0, 3200);
  const noise = new Uint8Array(16_000);
  for (let i = 0; i < noise.length; i++) noise[i] = lead[i % lead.length];
  const result = await recognizer.recognize({ alaw: noise }, MENU_PHRASES);
  noiseClips++;
  if (result.phrase !== null) falseAccepts++;
}

const pct = (r) => (100 * r.right) / r.n;
const rtf = cpuSeconds / audioSeconds;
console.log(
  `\nbench:speech ${new Date().toISOString()}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0].toFixed(2)}`,
);
console.log(`model load ${loadMs.toFixed(0)} ms, about ${modelMb.toFixed(0)} MB; ${audioSeconds.toFixed(0)} s of audio in ${cpuSeconds.toFixed(1)} s CPU`);
console.log('\n| line | right | nothing | wrong | clips | accuracy |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [name, r] of bySnr) console.log(`| ${name} | ${r.right} | ${r.none} | ${r.wrong} | ${r.n} | ${pct(r).toFixed(1)} % |`);
console.log('\nat 20 dB by voice:');
for (const [voice, r] of byVoiceAt20) console.log(`  ${voice.padEnd(16)} ${r.right}/${r.n} (${pct(r).toFixed(0)} %)`);
if (misses.length > 0) console.log(`misses at 20 dB:\n  ${misses.join('\n  ')}`);
console.log(`\nnoise only: ${falseAccepts} of ${noiseClips} clips gave a phrase`);
const at20 = bySnr.get('20 dB');
console.log(
  `real-time factor ${rtf.toFixed(4)} (target <= ${TARGET_RTF}); accuracy at 20 dB ${at20 ? pct(at20).toFixed(1) : '-'} % (target >= ${TARGET_ACCURACY} %)`,
);

if (process.env.BENCH_JSON === '1') {
  const row = (measure, ours, target, better) =>
    console.log(
      JSON.stringify({
        measure,
        ours,
        peer: null,
        ratio: null,
        target,
        better,
        met: target === null ? null : better === 'lower' ? ours <= target : ours >= target,
      }),
    );
  for (const [name, r] of bySnr) row(`speech menu phrases right, ${name} (%)`, pct(r), name === '20 dB' ? TARGET_ACCURACY : null, 'higher');
  row('speech real-time factor (CPU / audio)', rtf, TARGET_RTF, 'lower');
  row('speech noise-only clips giving a phrase', falseAccepts, null, 'lower');
}
await recognizer.close();
