// The hold WAV's samples in a Matroska audio file with one 20 ms block per packet, for the rtpengine
// peer. rtpengine's player reads a file one demuxer packet at a time and schedules every RTP packet
// encoded from it; FFmpeg's WAV demuxer hands out 4096-byte packets (256 ms of 16-bit audio at
// 8 kHz), and with 13 packets scheduled up to 256 ms ahead rtpengine's send timer takes the lead for
// a clock skew and moves packets by 10 ms steps, then jumps forward by 60-120 ms (docs/bench.md,
// "the rtpengine peer"). Matroska's demuxer hands out the blocks as stored, so 20 ms blocks give the
// player one packet at a time, as Prolope's pacer sends them.

/** An EBML element: its id bytes, then its size as an 8-byte vint (simple, and any size fits). */
function element(id, body) {
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length) | (1n << 56n));
  return Buffer.concat([Buffer.from(id), size, body]);
}
const uint = (id, n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return element(id, b);
};
const float = (id, x) => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return element(id, b);
};
const text = (id, s) => element(id, Buffer.from(s, 'ascii'));

/**
 * 16-bit mono PCM at 8 kHz (`samples`, little-endian) as Matroska with 20 ms SimpleBlocks
 * (A_PCM/INT/LIT, 1 ms timecode scale, a cluster every 10 s).
 */
export function pcmToMka(samples) {
  const BLOCK = 320; // bytes: 160 samples, 20 ms
  const CLUSTER_BLOCKS = 500;
  const blocks = Math.ceil(samples.length / BLOCK);
  const clusters = [];
  for (let first = 0; first < blocks; first += CLUSTER_BLOCKS) {
    const parts = [uint([0xe7], first * 20)];
    for (let i = first; i < Math.min(blocks, first + CLUSTER_BLOCKS); i++) {
      const data = Buffer.alloc(BLOCK);
      samples.copy(data, 0, i * BLOCK, Math.min(samples.length, (i + 1) * BLOCK));
      // Track 1 (vint 0x81), timecode relative to the cluster (int16, ms), flags: keyframe.
      const head = Buffer.from([0x81, 0, 0, 0x80]);
      head.writeInt16BE((i - first) * 20, 1);
      parts.push(element([0xa3], Buffer.concat([head, data])));
    }
    clusters.push(element([0x1f, 0x43, 0xb6, 0x75], Buffer.concat(parts)));
  }
  const ebml = element(
    [0x1a, 0x45, 0xdf, 0xa3],
    Buffer.concat([
      uint([0x42, 0x86], 1),
      uint([0x42, 0xf7], 1),
      uint([0x42, 0xf2], 4),
      uint([0x42, 0xf3], 8),
      text([0x42, 0x82], 'matroska'),
      uint([0x42, 0x87], 4),
      uint([0x42, 0x85], 2),
    ]),
  );
  const info = element(
    [0x15, 0x49, 0xa9, 0x66],
    Buffer.concat([
      uint([0x2a, 0xd7, 0xb1], 1_000_000),
      float([0x44, 0x89], (samples.length / 2 / 8000) * 1000),
      text([0x4d, 0x80], 'prolope-bench'),
      text([0x57, 0x41], 'prolope-bench'),
    ]),
  );
  const audio = element([0xe1], Buffer.concat([float([0xb5], 8000), uint([0x9f], 1), uint([0x62, 0x64], 16)]));
  const track = element([0xae], Buffer.concat([uint([0xd7], 1), uint([0x73, 0xc5], 1), uint([0x83], 2), text([0x86], 'A_PCM/INT/LIT'), audio]));
  const tracks = element([0x16, 0x54, 0xae, 0x6b], track);
  return Buffer.concat([ebml, element([0x18, 0x53, 0x80, 0x67], Buffer.concat([info, tracks, ...clusters]))]);
}

/** The samples of a canonical 44-byte-header PCM WAV (as bench/sip/run.mjs writes it). */
export const wavSamples = (wav) => wav.subarray(44);
