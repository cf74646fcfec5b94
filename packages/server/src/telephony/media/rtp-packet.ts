/**
 * RTP fixed header (RFC 3550 §5.1) encode/decode. We send the minimal form (no CSRC, extension or
 * padding) but must accept all of them on receive, since SBCs and phones do add extensions. Decoding
 * returns undefined instead of throwing: a UDP port open to the internet receives garbage.
 */

/** Size of the RTP fixed header without CSRCs. */
export const RTP_HEADER_SIZE = 12;

/** A decoded (or to-be-encoded) RTP packet. */
export interface RtpPacket {
  payloadType: number;
  /** 16-bit sequence number. */
  sequenceNumber: number;
  /** 32-bit media timestamp (8 kHz clock for PCMA and telephone-event). */
  timestamp: number;
  /** 32-bit synchronisation source. */
  ssrc: number;
  marker: boolean;
  payload: Uint8Array;
  /** Contributing sources (receive only; ignored by encode). */
  csrc?: number[];
}

/** Encodes an RTP packet with version 2 and no CSRC, extension or padding. */
export function encodeRtp(packet: Omit<RtpPacket, 'csrc'>): Buffer {
  const buf = Buffer.allocUnsafe(RTP_HEADER_SIZE + packet.payload.length);
  writeRtpHeader(buf, packet.payloadType, packet.marker, packet.sequenceNumber, packet.timestamp, packet.ssrc);
  buf.set(packet.payload, RTP_HEADER_SIZE);
  return buf;
}

/**
 * Writes the 12-byte header of {@link encodeRtp} at the start of `buf`, from plain arguments: a
 * sender filling its packet in place (the media plane, 50 packets a second per call) allocates no
 * header object and no separate payload.
 */
export function writeRtpHeader(buf: Buffer, payloadType: number, marker: boolean, sequenceNumber: number, timestamp: number, ssrc: number): void {
  buf[0] = 0x80; // V=2, P=0, X=0, CC=0
  buf[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  buf.writeUInt16BE(sequenceNumber & 0xffff, 2);
  buf.writeUInt32BE(timestamp >>> 0, 4);
  buf.writeUInt32BE(ssrc >>> 0, 8);
}

/**
 * True when the second byte falls in 192..223, the RTCP packet-type range (RFC 5761 §4): a peer
 * multiplexing RTCP onto the RTP port sends these, and they must not be read as media.
 */
export function looksLikeRtcp(data: Uint8Array): boolean {
  const b1 = data[1];
  return data.length >= 2 && b1 !== undefined && b1 >= 192 && b1 <= 223;
}

/**
 * Decodes an RTP packet, skipping CSRCs, a header extension and padding. Returns undefined for
 * anything that is not a well-formed RTP version 2 packet (too short, wrong version, lengths that run
 * past the end, RTCP).
 */
export function decodeRtp(data: Uint8Array): RtpPacket | undefined {
  if (data.length < RTP_HEADER_SIZE) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const b0 = view.getUint8(0);
  if (b0 >> 6 !== 2) return undefined;
  if (looksLikeRtcp(data)) return undefined;
  const hasPadding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  const b1 = view.getUint8(1);

  let offset = RTP_HEADER_SIZE;
  const csrc: number[] = [];
  if (offset + csrcCount * 4 > data.length) return undefined;
  for (let i = 0; i < csrcCount; i++) {
    csrc.push(view.getUint32(offset));
    offset += 4;
  }
  if (hasExtension) {
    // 16-bit profile-defined id, 16-bit length in 32-bit words, then the words.
    if (offset + 4 > data.length) return undefined;
    const words = view.getUint16(offset + 2);
    offset += 4 + words * 4;
    if (offset > data.length) return undefined;
  }
  let end = data.length;
  if (hasPadding) {
    // The last octet counts the padding octets, itself included (RFC 3550 §5.1).
    const pad = view.getUint8(data.length - 1);
    if (pad === 0 || end - pad < offset) return undefined;
    end -= pad;
  }

  return {
    payloadType: b1 & 0x7f,
    marker: (b1 & 0x80) !== 0,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: data.subarray(offset, end),
    ...(csrcCount > 0 ? { csrc } : {}),
  };
}
