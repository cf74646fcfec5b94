import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import type { SippRun } from './sipp.js';

/** A SIPp scenario file of the calls domain. */
export const scenario = (name: string): string => fileURLToPath(new URL(`../calls/test-scenarios/${name}`, import.meta.url));

/** What a failed SIPp run said, for the assertion message. */
export function explain(run: SippRun): string {
  return `sipp exited ${run.code}\n${run.output.slice(-2000)}\n${run.errors.slice(-2000)}`;
}

/** Reads until `ok` holds (or the tries run out): calls end asynchronously after SIPp exits. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, tries = 200): Promise<T> {
  let last = await read();
  for (let i = 0; i < tries && !ok(last); i++) {
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

export interface RtpSeen {
  pt: number;
  seq: number;
  ts: number;
  marker: boolean;
}

/** A UDP socket standing in for the far end's RTP port; it keeps each packet's header fields. */
export async function rtpSink(): Promise<{ socket: Socket; port: number; packets: RtpSeen[]; pcma: () => number }> {
  const socket = createSocket('udp4');
  const packets: RtpSeen[] = [];
  socket.on('message', (msg) => {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    packets.push({ pt: msg[1]! & 0x7f, seq: msg.readUInt16BE(2), ts: msg.readUInt32BE(4), marker: (msg[1]! & 0x80) !== 0 });
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, port: socket.address().port, packets, pcma: () => packets.filter((p) => p.pt === 8).length };
}

/** A received RTP packet with its payload and where it came from. */
export interface RtpReceived extends RtpSeen {
  payload: Buffer;
  from: { address: string; port: number };
}

/**
 * A far end's RTP socket that talks back: it keeps every packet, learns where Prolope sends from
 * (its media port, since Prolope sends and receives on one socket), and sends PCMA frames and
 * RFC 4733 digits there from the same socket, as a phone does.
 */
export async function rtpPeer() {
  const socket = createSocket('udp4');
  const packets: RtpReceived[] = [];
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 12 || msg[0]! >> 6 !== 2) return;
    packets.push({
      pt: msg[1]! & 0x7f,
      seq: msg.readUInt16BE(2),
      ts: msg.readUInt32BE(4),
      marker: (msg[1]! & 0x80) !== 0,
      payload: Buffer.from(msg.subarray(12)),
      from: { address: rinfo.address, port: rinfo.port },
    });
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  const ssrc = Math.floor(Math.random() * 2 ** 32);
  let seq = 1000;
  let ts = 5000;
  const send = (to: { address: string; port: number }, pt: number, marker: boolean, timestamp: number, payload: Uint8Array) => {
    const header = Buffer.alloc(12);
    header[0] = 0x80;
    header[1] = (marker ? 0x80 : 0) | pt;
    header.writeUInt16BE(seq++ & 0xffff, 2);
    header.writeUInt32BE(timestamp >>> 0, 4);
    header.writeUInt32BE(ssrc, 8);
    socket.send(Buffer.concat([header, payload]), to.port, to.address);
  };
  return {
    socket,
    port: socket.address().port,
    packets,
    /** Where Prolope's RTP comes from, once a packet arrived. */
    source: () => packets[0]?.from,
    /** Sends `frames` (160 A-law bytes each) every 20 ms. */
    async sendFrames(to: { address: string; port: number }, frames: Uint8Array[]) {
      for (let i = 0; i < frames.length; i++) {
        send(to, 8, i === 0, ts, frames[i]!);
        ts += 160;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    /** One RFC 4733 event (pt 101): three updates, then the end packet three times. */
    async sendDigit(to: { address: string; port: number }, event: number) {
      const start = ts;
      for (let k = 1; k <= 3; k++) {
        send(to, 101, k === 1, start, Buffer.from([event, 10, (k * 400) >> 8, (k * 400) & 0xff]));
        await new Promise((r) => setTimeout(r, 50));
      }
      const end = Buffer.from([event, 0x80 | 10, 0x04, 0xb0]); // duration 1200
      for (let r = 0; r < 3; r++) send(to, 101, false, start, end);
      ts += 1200;
    },
  };
}
