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
