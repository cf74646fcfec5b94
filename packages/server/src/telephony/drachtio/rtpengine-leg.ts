import { openRtpSession, type RtpAddress, type RtpLogger, type RtpPorts, type RtpSession } from '../media/index.js';

/** Our own RTP leg toward rtpengine, as the backend configures it. */
export interface RtpengineLeg {
  bindAddress: string;
  ports: RtpPorts;
  advertisedAddress?: string;
  portRange?: readonly [number, number];
  rtpTimeoutMs?: number;
}

/**
 * Opens our RTP leg toward rtpengine's port `remote`, with the leg's settings: one place for what an
 * offer-first call (rtpengine-media.ts) and a delayed-offer call (rtpengine-delayed-offer.ts) open.
 */
export function openRtpengineLeg(leg: RtpengineLeg, remote: RtpAddress, extra: { dtmfPayloadType?: number; logger?: RtpLogger }): Promise<RtpSession> {
  return openRtpSession({
    bindAddress: leg.bindAddress,
    ports: leg.ports,
    ...(leg.advertisedAddress ? { advertisedAddress: leg.advertisedAddress } : {}),
    ...(leg.portRange ? { portRange: leg.portRange } : {}),
    ...(leg.rtpTimeoutMs !== undefined ? { rtpTimeoutMs: leg.rtpTimeoutMs } : {}),
    ...(extra.dtmfPayloadType !== undefined ? { dtmfPayloadType: extra.dtmfPayloadType } : {}),
    ...(extra.logger ? { logger: extra.logger } : {}),
    remote,
  });
}
