/**
 * A sine tone as an 8 kHz 16-bit mono WAV file (44-byte header, then the samples), for benches that
 * need audio whose content does not matter: a prompt to upload, hold music to play.
 *
 * @example
 * const wav = toneWav({ seconds: 0.2, hz: 440, amplitude: 8000 });
 */
export function toneWav({ seconds, hz, amplitude }) {
  const samples = Math.round(seconds * 8000);
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write('WAVEfmt ', 8);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(8000, 24);
  buf.writeUInt32LE(16000, 28); // bytes per second
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)), 44 + i * 2);
  return buf;
}
