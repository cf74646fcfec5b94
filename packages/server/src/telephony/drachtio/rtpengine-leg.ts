import type { MediaSession } from '../backend.js';
import { type BoundPort, bindInProcess, DEFAULT_PORT_RANGE, type RtpAddress, type RtpLogger, type RtpPorts } from '../media/index.js';
import type { MediaWorkerPool } from '../media/worker/media-pool.js';

/**
 * Our own media plane's end of a call, behind rtpengine: the same sessions the embedded backend uses
 * (a media worker's, or this thread's with PROLOPE_MEDIA_WORKERS=0), so prompts are paced, and DTMF,
 * recording, bridges and conferences work, exactly as there. rtpengine stays the edge relay.
 */
export interface RtpengineLeg {
  bindAddress: string;
  ports: RtpPorts;
  advertisedAddress?: string;
  portRange?: readonly [number, number];
  rtpTimeoutMs?: number;
  /** The backend's media workers; unset, the leg's RTP runs on the main event loop. */
  pool?: MediaWorkerPool;
}

/** Takes our leg's port (its number goes into the SDP toward rtpengine before RTP starts). */
export function bindRtpengineLeg(leg: RtpengineLeg, logger?: RtpLogger): Promise<BoundPort> {
  const range = leg.portRange ?? DEFAULT_PORT_RANGE;
  return leg.pool
    ? leg.pool.bind(leg.ports, leg.bindAddress, range, leg.advertisedAddress)
    : bindInProcess(leg.ports, leg.bindAddress, range, logger, leg.advertisedAddress);
}

/** Starts RTP on a bound leg toward rtpengine's port `remote`, with the leg's settings. */
export function startRtpengineLeg(leg: RtpengineLeg, bound: BoundPort, remote: RtpAddress, dtmfPayloadType: number | undefined): MediaSession {
  return bound.start({
    remote,
    ...(dtmfPayloadType !== undefined ? { dtmfPayloadType } : {}),
    ...(leg.rtpTimeoutMs !== undefined ? { rtpTimeoutMs: leg.rtpTimeoutMs } : {}),
  });
}

/**
 * Opens our leg toward rtpengine's port `remote`: one place for what an offer-first call
 * (rtpengine-media.ts) and a delayed-offer call (rtpengine-delayed-offer.ts) open.
 */
export async function openRtpengineLeg(leg: RtpengineLeg, remote: RtpAddress, extra: { dtmfPayloadType?: number; logger?: RtpLogger }): Promise<MediaSession> {
  return startRtpengineLeg(leg, await bindRtpengineLeg(leg, extra.logger), remote, extra.dtmfPayloadType);
}
