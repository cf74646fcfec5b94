/**
 * An RTP port taken before the call's media can start: an outbound call names the port in its offer
 * and starts RTP only on the answer. In-process (here) or in a media worker (media-pool.ts), the
 * caller sees the same shape.
 */
import type { MediaSession } from '../backend.js';
import { RtpSession, type RtpLogger } from './rtp-session.js';
import type { RtpAddress } from './sdp-types.js';
import type { RtpPorts } from './udp-port.js';

/** What a session needs once the far end's SDP is known. */
export interface MediaStart {
  remote: RtpAddress;
  dtmfPayloadType?: number;
  /** No RTP for this long ends the call (onTimeout); default the session's 30 s. */
  rtpTimeoutMs?: number;
}

export interface BoundPort {
  readonly port: number;
  /** Starts RTP on the port (once); the session owns the port from then on. */
  start(options: MediaStart): MediaSession;
  /** Frees a port whose media never started. */
  close(): Promise<void>;
}

/**
 * Binds a port of `range` in this thread; the media then runs on the main event loop. `advertisedAddress`
 * is what `local` says (and so our SDP) when others reach us elsewhere than the bound address.
 */
export async function bindInProcess(
  ports: RtpPorts,
  address: string,
  range: readonly [number, number],
  logger?: RtpLogger,
  advertisedAddress?: string,
): Promise<BoundPort> {
  const { socket, port } = await ports.bind(address, range);
  return {
    port,
    start: (o) =>
      new RtpSession(socket, port, {
        bindAddress: address,
        ports,
        remote: o.remote,
        ...(o.dtmfPayloadType !== undefined ? { dtmfPayloadType: o.dtmfPayloadType } : {}),
        ...(o.rtpTimeoutMs !== undefined ? { rtpTimeoutMs: o.rtpTimeoutMs } : {}),
        ...(advertisedAddress ? { advertisedAddress } : {}),
        ...(logger ? { logger } : {}),
      }),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())).finally(() => ports.release(address, port)),
  };
}
