/**
 * Audio that many calls play (a cached prompt, a synthesised greeting) is kept in a SharedArrayBuffer:
 * handing it to a media worker then shares the memory instead of copying it for every play. Audio in
 * an ordinary buffer is copied once per play, since it cannot be transferred away from its owner.
 */
export function sharedPcm(samples: Int16Array): Int16Array {
  if (samples.buffer instanceof SharedArrayBuffer) return samples;
  const shared = new Int16Array(new SharedArrayBuffer(samples.byteLength));
  shared.set(samples);
  return shared;
}
