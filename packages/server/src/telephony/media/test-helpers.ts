/**
 * Helpers shared by the RTP tests (not used by production code): session pairs on loopback, a raw
 * UDP sender, and a wait for a counter. Waits poll counters; no test asserts on durations.
 */
import { createSocket, type Socket } from 'node:dgram';
import { openRtpSession, type RtpSession, type RtpSessionOptions } from './rtp-session.js';
import { RtpPorts } from './udp-port.js';

/** The loopback address every test session binds to. */
export const LOOPBACK = '127.0.0.1';

/** Opens two sessions on loopback, each sending to the other. */
export async function openPair(options: Partial<RtpSessionOptions> = {}): Promise<[RtpSession, RtpSession]> {
  const base = { bindAddress: LOOPBACK, rtpTimeoutMs: 0, ...options, ports: options.ports ?? new RtpPorts() };
  const a = await openRtpSession({ ...base, remote: { address: LOOPBACK, port: 9 } });
  const b = await openRtpSession({ ...base, remote: a.local });
  a.setRemote(b.local);
  return [a, b];
}

/** A plain UDP socket on an ephemeral loopback port, for sending hand-made datagrams. */
export async function rawSocket(): Promise<{ socket: Socket; port: number; send(data: Uint8Array, port: number): Promise<void>; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  return {
    socket,
    port: socket.address().port,
    send: (data, port) => new Promise<void>((resolve, reject) => socket.send(data, port, LOOPBACK, (err) => (err ? reject(err) : resolve()))),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** Polls until `read()` reaches `target` (or `timeoutMs` passes), then returns the last value read. */
export async function waitForCount(read: () => number, target: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (read() < target && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  return read();
}
