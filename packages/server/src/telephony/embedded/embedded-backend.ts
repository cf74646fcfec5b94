import type { Clock } from '../../clock.js';
import type { MediaSession, TelephonyBackend } from '../backend.js';
import { openRtpSession } from './rtp/index.js';
import { EmbeddedSip, type SipLogger } from './sip/index.js';

export interface EmbeddedBackendOptions {
  host: string;
  sipPort: number;
  rtpPortRange: [number, number];
  clock: Clock;
  logger: SipLogger & { info(obj: unknown, msg?: string): void };
}

/**
 * The default backend: SIP signalling and RTP media in this process, so real calls work on a fresh
 * machine with no other service. drachtio plus rtpengine implement the same interface in production.
 */
export function createEmbeddedBackend(opts: EmbeddedBackendOptions): TelephonyBackend & { sip: EmbeddedSip } {
  const sip = new EmbeddedSip({ host: opts.host, port: opts.sipPort, clock: opts.clock, logger: opts.logger });
  return {
    sip,
    start: () => sip.start(),
    stop: () => sip.stop(),
    onInvite: (handler) => sip.onInvite(handler),
    async openMedia(remote): Promise<MediaSession> {
      return openRtpSession({
        bindAddress: opts.host,
        portRange: opts.rtpPortRange,
        remote: { address: remote.address, port: remote.port },
        ...(remote.dtmfPayloadType !== undefined ? { dtmfPayloadType: remote.dtmfPayloadType } : {}),
      });
    },
  };
}
