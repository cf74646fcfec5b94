import type { FastifyBaseLogger } from 'fastify';
import { inboundHandler } from './calls/inbound.js';
import type { CallRuntime } from './calls/call-runtime.js';
import type { OutboundCalls } from './calls/outbound.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { safeFetch } from './http/safe-fetch.js';
import { urlPolicy } from './http/url-policy.js';
import type { NodeIdentity } from './node.js';
import { fileRecordingStore } from './store/object-store.js';
import type { SecretBox } from './secrets/secret-box.js';
import { recordSourceBan } from './sip-trunks/source-bans.js';
import type { Db } from './store/db.js';
import { createBackend } from './telephony/create-backend.js';
import type { EmbeddedSip, EmbeddedSipStats } from './telephony/sip/embedded-sip.js';
import { cachedTts, defaultTtsEngine } from './telephony/tts/index.js';

export interface Voice {
  sipPort: number;
  /** The embedded endpoint's counters (undefined with drachtio, which keeps its own). */
  sipStats?(): EmbeddedSipStats | undefined;
  stop(): Promise<void>;
}

/**
 * Starts the telephony side and wires the calls domain onto it: the backend, speech, the inbound call
 * flow and outbound dialling. Part of the composition root (beside server.ts), so telephony never
 * imports calls.
 */
export async function startVoice(
  config: Config,
  db: Db,
  clock: Clock,
  log: FastifyBaseLogger,
  secrets: SecretBox,
  runtime: CallRuntime,
  outbound?: OutboundCalls,
  node?: NodeIdentity,
): Promise<Voice> {
  const backend = createBackend(config, clock, log, (ban) => {
    log.warn({ source: ban.address, failures: ban.failures, until: ban.expiresAt }, 'sip: source banned after failed authentications');
    recordSourceBan(db, ban, config.sipBan.windowSeconds).catch((err: unknown) => log.error({ err, source: ban.address }, 'sip: could not record the ban'));
  }, runtime.rtpPorts);
  const engine = defaultTtsEngine({ logger: log });
  // Prompts repeat (greetings, menus), so synthesise each once.
  const tts = cachedTts(engine, 200);
  // Voice applications, prompts and status callbacks are customer URLs: the webhook SSRF rules apply.
  const customerFetch = safeFetch(urlPolicy(config));
  const recordings = { store: fileRecordingStore(config.dataDir), publicUrl: config.publicUrl ?? `http://${config.host}:${config.port}` };
  backend.onInvite(
    inboundHandler(
      { db, clock, secrets, recordings, node, fetch: customerFetch, activeCalls: runtime.activeCalls, wavs: runtime.wavs },
      {
        speak: (text, opts) => tts.synthesize(text, opts),
        log,
        // `dial` places its legs like POST /v1/calls; without SIP out (no dial in the backend) it is skipped.
        legs: backend.dial ? outbound : undefined,
      },
    ),
  );
  try {
    const { sipPort } = await backend.start();
    const dial = backend.dial?.bind(backend);
    if (dial) outbound?.attach({ dial, speak: (text, opts) => tts.synthesize(text, opts), log, recordings, fetch: customerFetch });
    return {
      sipPort,
      sipStats: () => ('sip' in backend ? (backend.sip as EmbeddedSip).stats() : undefined),
      async stop() {
        const placed = outbound?.detach();
        await backend.stop();
        await placed;
        await (engine as { close?: () => Promise<void> | void }).close?.();
      },
    };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new Error(`cannot listen for SIP on UDP ${config.sipHost}:${config.sipPort} (${code}); set PROLOPE_SIP_PORT to a free port, or PROLOPE_SIP=off`);
    }
    throw err;
  }
}
