/**
 * A small reader for classic libpcap files, enough to pull UDP payloads out of capture files such as
 * SIPp's RTP pcaps so tests can replay real-world packets. Handles both byte orders, micro- and
 * nanosecond files, Ethernet (with VLAN tags), Linux cooked (SLL), raw IP and BSD loopback link
 * types, IPv4 and IPv6 (no extension headers). pcapng is not supported.
 */

/** One UDP datagram found in a capture. */
export interface PcapUdpPacket {
  /** Capture time in seconds since the epoch. */
  time: number;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

const LINKTYPE = { NULL: 0, ETHERNET: 1, RAW: 101, LINUX_SLL: 113, IPV4: 228, IPV6: 229 } as const;

/** Extracts the UDP payloads of a pcap file, in capture order. Non-UDP and truncated frames are skipped. */
export function readPcapUdp(file: Buffer): PcapUdpPacket[] {
  if (file.length < 24) throw new Error('not a pcap file (too short)');
  const magic = file.readUInt32LE(0);
  let littleEndian: boolean;
  let nano = false;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) littleEndian = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) littleEndian = false;
  else throw new Error('not a pcap file (bad magic; pcapng is not supported)');
  if (magic === 0xa1b23c4d || magic === 0x4d3cb2a1) nano = true;
  const u32 = (offset: number) => (littleEndian ? file.readUInt32LE(offset) : file.readUInt32BE(offset));
  const linkType = u32(20) & 0x0fffffff;

  const packets: PcapUdpPacket[] = [];
  let offset = 24;
  while (offset + 16 <= file.length) {
    const seconds = u32(offset);
    const fraction = u32(offset + 4);
    const capturedLength = u32(offset + 8);
    const start = offset + 16;
    const end = start + capturedLength;
    if (end > file.length) break;
    const frame = file.subarray(start, end);
    offset = end;
    const ip = ipPayloadOf(frame, linkType);
    const udp = ip ? udpOf(ip) : undefined;
    if (udp) packets.push({ time: seconds + fraction / (nano ? 1e9 : 1e6), ...udp });
  }
  return packets;
}

/** Strips the link layer; returns the IP packet. */
function ipPayloadOf(frame: Buffer, linkType: number): Buffer | undefined {
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      let offset = 12;
      if (frame.length < offset + 2) return undefined;
      let etherType = frame.readUInt16BE(offset);
      while ((etherType === 0x8100 || etherType === 0x88a8) && frame.length >= offset + 6) {
        offset += 4; // VLAN tag
        etherType = frame.readUInt16BE(offset);
      }
      return etherType === 0x0800 || etherType === 0x86dd ? frame.subarray(offset + 2) : undefined;
    }
    case LINKTYPE.LINUX_SLL:
      return frame.subarray(16);
    case LINKTYPE.NULL:
      return frame.subarray(4);
    case LINKTYPE.RAW:
    case LINKTYPE.IPV4:
    case LINKTYPE.IPV6:
      return frame;
    default:
      return undefined;
  }
}

/** Reads the UDP header of an IPv4/IPv6 packet; undefined if not UDP, fragmented or truncated. */
function udpOf(ip: Buffer): Omit<PcapUdpPacket, 'time'> | undefined {
  if (ip.length < 1) return undefined;
  const version = ip[0]! >> 4;
  let udpStart: number;
  if (version === 4) {
    if (ip.length < 20) return undefined;
    const headerLength = (ip[0]! & 0x0f) * 4;
    const fragment = ip.readUInt16BE(6) & 0x3fff; // MF flag or offset: a fragment, skip
    if (ip[9] !== 17 || fragment !== 0) return undefined;
    udpStart = headerLength;
  } else if (version === 6) {
    if (ip.length < 40 || ip[6] !== 17) return undefined;
    udpStart = 40;
  } else {
    return undefined;
  }
  if (ip.length < udpStart + 8) return undefined;
  const udpLength = ip.readUInt16BE(udpStart + 4);
  const payloadEnd = Math.min(ip.length, udpStart + Math.max(udpLength, 8));
  return {
    srcPort: ip.readUInt16BE(udpStart),
    dstPort: ip.readUInt16BE(udpStart + 2),
    payload: Buffer.from(ip.subarray(udpStart + 8, payloadEnd)),
  };
}
