/**
 * The code of the mespeak worker thread, as a string run with `new Worker(code, { eval: true })`.
 *
 * Why a worker: mespeak is eSpeak compiled to asm.js and runs synchronously. Measured on this machine
 * (Node 20), "Hello from Prolope. Your call is important to us, please hold the line." (4.7 s of audio)
 * took ~175 ms on the first call and ~40 ms after; loading the engine, config and English voice took
 * ~90 ms. Any of those on the main thread would hold up every call's 20 ms RTP pacing.
 *
 * Why a string: a separate worker file would need its own tsup entry (not ours to change) and could
 * not be loaded as TypeScript under vitest. An eval'd worker runs as CommonJS, so `require` works
 * with the absolute paths from `workerData`.
 *
 * Protocol: in `{ id, text, voicePath, speed }`; out `{ id, ok: true, wav: ArrayBuffer }` (transferred)
 * or `{ id, ok: false, message }`.
 */
export const MESPEAK_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const meSpeak = require(workerData.entry);
meSpeak.loadConfig(readJson(workerData.config));
// voice file path -> eSpeak voice id ('en/en', 'de', ...); each voice is loaded into eSpeak once.
const voiceIds = new Map();
parentPort.on('message', (job) => {
  try {
    let voiceId = voiceIds.get(job.voicePath);
    if (!voiceId) {
      const data = readJson(job.voicePath);
      meSpeak.loadVoice(data);
      voiceId = data.voice_id;
      voiceIds.set(job.voicePath, voiceId);
    }
    // Any truthy rawdata other than the named formats returns the WAV as an ArrayBuffer.
    const wav = meSpeak.speak(job.text, { rawdata: 'arraybuffer', voice: voiceId, speed: job.speed });
    if (!wav) throw new Error('mespeak returned no audio');
    parentPort.postMessage({ id: job.id, ok: true, wav }, [wav]);
  } catch (err) {
    parentPort.postMessage({ id: job.id, ok: false, message: String((err && err.message) || err) });
  }
});
`;
