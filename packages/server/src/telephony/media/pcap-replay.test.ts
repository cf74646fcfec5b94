/**
 * Replays real-world RTP from SIPp's sample captures into an RtpSession. The pcaps come with the
 * sip-tester package; without them these tests skip, unless PROLOPE_TEST_STRICT=1 makes that a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { readPcapUdp } from './pcap-reader.js';
import { decodeRtp, encodeRtp } from './rtp-packet.js';
import { openRtpSession, type RtpSession } from './rtp-session.js';
import { LOOPBACK, rawSocket, waitForCount } from './test-helpers.js';
import { RtpPorts } from './udp-port.js';

/** Where SIPp's captures live; PROLOPE_SIPP_PCAP_DIR overrides it. */
const PCAP_DIR = process.env['PROLOPE_SIPP_PCAP_DIR'] ?? '/usr/share/sip-tester';
const strict = process.env['PROLOPE_TEST_STRICT'] === '1';

/** Reads a pcap, or skips the test (fails under PROLOPE_TEST_STRICT=1) when it is missing. */
function loadPcap(ctx: TestContext, name: string): Buffer {
  const path = `${PCAP_DIR}/${name}`;
  if (!existsSync(path)) {
    const message = `${path} not found (it ships with SIPp, e.g. the sip-tester package)`;
    if (strict) throw new Error(`${message}; PROLOPE_TEST_STRICT=1 requires it`);
    ctx.skip(`${message}; skipping. Set PROLOPE_TEST_STRICT=1 to make this a failure.`);
  }
  return readFileSync(path);
}

const cleanup: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((x) => x.close()));
});

/** A session on loopback fed by a raw socket (the session's remote is that socket, as after an SDP answer). */
async function sessionWithSender(dtmfPayloadType?: number) {
  const sender = await rawSocket();
  const session = await openRtpSession({
    bindAddress: LOOPBACK,
    ports: new RtpPorts(),
    remote: { address: LOOPBACK, port: sender.port },
    rtpTimeoutMs: 0,
    ...(dtmfPayloadType !== undefined ? { dtmfPayloadType } : {}),
  });
  cleanup.push(session, sender);
  return { session, sender };
}

/** Sends datagrams in small batches, waiting for each batch to arrive so loopback buffers never overflow. */
async function replay(datagrams: Buffer[], send: (d: Buffer) => Promise<void>, session: RtpSession): Promise<void> {
  const base = session.stats().packetsReceived;
  for (let i = 0; i < datagrams.length; i++) {
    await send(datagrams[i]!);
    if (i % 20 === 19) await waitForCount(() => session.stats().packetsReceived, base + i + 1);
  }
  await waitForCount(() => session.stats().packetsReceived, base + datagrams.length);
}

const DTMF_FILES: Array<[string, string]> = [
  ...[...'0123456789'].map((d): [string, string] => [`dtmf_2833_${d}.pcap`, d]),
  ['dtmf_2833_star.pcap', '*'],
  ['dtmf_2833_pound.pcap', '#'],
];

describe('replaying SIPp captures', () => {
  it.for(DTMF_FILES)('%s gives onDtmf(%j) exactly once', async ([file, digit], ctx) => {
    const rtp = readPcapUdp(loadPcap(ctx, file))
      .map((u) => u.payload)
      .filter((p) => decodeRtp(p) !== undefined);
    expect(rtp.length).toBeGreaterThan(0);
    const pt = decodeRtp(rtp[0]!)!.payloadType;
    const { session, sender } = await sessionWithSender(pt);
    const digits: string[] = [];
    session.onDtmf((d) => digits.push(d));
    await replay(rtp, (d) => sender.send(d, session.local.port), session);
    expect(session.stats().dtmfPacketsReceived).toBe(rtp.length);
    expect(digits).toEqual([digit]);
  });

  it('g711a.pcap: every PCMA packet is received and decoded', async (ctx) => {
    const rtp = readPcapUdp(loadPcap(ctx, 'g711a.pcap'))
      .map((u) => u.payload)
      .filter((p) => decodeRtp(p)?.payloadType === 8);
    expect(rtp.length).toBeGreaterThan(100);
    const { session, sender } = await sessionWithSender();
    const recording = session.startRecording();
    await replay(rtp, (d) => sender.send(d, session.local.port), session);
    expect(session.stats()).toMatchObject({ pcmaPacketsReceived: rtp.length, invalidPackets: 0, ignoredPackets: 0 });
    const pcm = recording.stop();
    const payloadSamples = rtp.reduce((n, d) => n + decodeRtp(d)!.payload.length, 0);
    expect(pcm.length).toBeGreaterThanOrEqual(payloadSamples);
    expect(pcm.some((s) => Math.abs(s) > 1000)).toBe(true);
  });

  it('the pcap reader finds the RTP in the captures', (ctx) => {
    const packets = readPcapUdp(loadPcap(ctx, 'dtmf_2833_1.pcap'));
    expect(packets.length).toBeGreaterThan(0);
    expect(packets.every((p) => p.dstPort > 1024 && p.payload.length >= 16)).toBe(true);
    // A re-encoded header matches the captured bytes.
    const first = decodeRtp(packets[0]!.payload)!;
    expect(encodeRtp(first).equals(packets[0]!.payload)).toBe(true);
  });
});
