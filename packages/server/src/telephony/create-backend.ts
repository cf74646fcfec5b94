import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { TelephonyBackend } from './backend.js';
import type { RtpPorts } from './media/udp-port.js';
import { createDrachtioBackend } from './drachtio/drachtio-backend.js';
import { createEmbeddedBackend } from './embedded/embedded-backend.js';
import { type SourceBan, SourceGuard } from './source-guard.js';

/** The settings that choose and configure the backend. */
export type BackendConfig = Pick<
  Config,
  'telephony' | 'drachtio' | 'rtpengine' | 'rtpengineRecordingDir' | 'mediaAdvertisedAddress' | 'sipHost' | 'sipPort' | 'sipPublicHost' | 'sipPublicPort' | 'rtpPortRange' | 'sipBan' | 'mediaWorkers'
>;

/**
 * One interface, two adapters: the embedded endpoint by default, drachtio + rtpengine in production.
 * Digest guessing: enough failed authentications from one address ban it; `onBan` hears of each ban
 * (the composition root records it, since telephony knows nothing of trunks or events).
 */
export function createBackend(
  config: BackendConfig,
  clock: Clock,
  log: FastifyBaseLogger,
  onBan: (ban: SourceBan) => void,
  rtpPorts: RtpPorts,
): TelephonyBackend {
  const guard = new SourceGuard({
    maxFailures: config.sipBan.maxFailures,
    windowMs: config.sipBan.windowSeconds * 1000,
    banMs: config.sipBan.banSeconds * 1000,
    clock,
    onBan,
  });
  return config.telephony === 'drachtio'
    ? createDrachtioBackend({
        drachtio: config.drachtio,
        rtpengine: config.rtpengine,
        rtpPorts,
        media: {
          bindAddress: config.sipHost,
          // What rtpengine is told to send our legs' RTP to, when that is not the bound address.
          ...(config.mediaAdvertisedAddress ? { advertisedAddress: config.mediaAdvertisedAddress } : {}),
          portRange: config.rtpPortRange,
          workers: config.mediaWorkers,
          ...(config.rtpengineRecordingDir ? { recordingDir: config.rtpengineRecordingDir } : {}),
        },
        logger: log,
        guard,
      })
    : createEmbeddedBackend({
        host: config.sipHost,
        sipPort: config.sipPort,
        // Contact and Via name the public address when one is configured (behind NAT).
        ...(config.sipPublicHost ? { publicHost: config.sipPublicHost } : {}),
        ...(config.sipPublicPort ? { publicPort: config.sipPublicPort } : {}),
        rtpPortRange: config.rtpPortRange,
        rtpPorts,
        mediaWorkers: config.mediaWorkers,
        clock,
        logger: log,
        guard,
      });
}
