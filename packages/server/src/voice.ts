import type { FastifyBaseLogger } from 'fastify';
import { inboundHandler } from './calls/inbound.js';
import { inviteHandler } from './calls/user-call.js';
import type { CallRuntime } from './calls/call-runtime.js';
import { OutboundCalls } from './calls/outbound.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { PromptAudioCache } from './audio/prompt-cache.js';
import { audioPromptSource } from './audio/prompt-source.js';
import { safeFetch } from './http/safe-fetch.js';
import { urlPolicy } from './http/url-policy.js';
import type { ThisNode } from './this-node.js';
import { fileRecordingStore } from './store/object-store.js';
import type { SecretBox } from './secrets/secret-box.js';
import { recordSourceBan } from './sip-trunks/source-bans.js';
import type { Db } from './store/db.js';
import type { EventBus } from './store/event-bus.js';
import { accountSipDomain } from './sip-users/sip-domain.js';
import { mailboxSummary } from './voicemail/service.js';
import { voicemailMailer } from './voicemail/email.js';
import { createBackend } from './telephony/create-backend.js';
import { sipUserDirectory, sweepExpiredRegistrations } from './sip-users/registrations.js';
import type { EmbeddedSip, EmbeddedSipStats } from './telephony/sip/embedded-sip.js';
import { cachedTts, defaultTtsEngine } from './telephony/tts/index.js';
import type { Speak } from './telephony/verbs/verb-host.js';

export interface Voice {
  /** Places outbound calls through this voice side's backend once started; hand it to buildApp. */
  outbound: OutboundCalls;
  /** Binds SIP (after the API listens: see server.ts) and starts placing calls; answers with the bound port. */
  start(): Promise<{ sipPort: number }>;
  /** The embedded endpoint's counters (undefined with drachtio, which keeps its own). */
  sipStats(): EmbeddedSipStats | undefined;
  stop(): Promise<void>;
}

export interface VoiceDeps {
  config: Config;
  /** The store's database: inbound calls and SIP bans. */
  db: Db;
  /** The handlers' database (the Idempotency-Key hooks'), which outbound calls write through: see OutboundCalls. */
  handlersDb: Db;
  clock: Clock;
  log: FastifyBaseLogger;
  secrets: SecretBox;
  runtime: CallRuntime;
  node: ThisNode;
  /** The store's event hints: voicemail changes wake the message waiting indicator. */
  events?: EventBus | undefined;
}

/**
 * Builds the telephony side and wires the calls domain onto it: the backend, speech, the inbound call
 * flow and outbound dialling, all in one go; nothing is attached later. Part of the composition root
 * (beside server.ts), so telephony never imports calls. Nothing listens until start().
 */
export function buildVoice({ config, db, handlersDb, clock, log, secrets, runtime, node, events }: VoiceDeps): Voice {
  const backend = createBackend(config, clock, log, (ban) => {
    log.warn({ source: ban.address, failures: ban.failures, until: ban.expiresAt }, 'sip: source banned after failed authentications');
    recordSourceBan(db, ban, config.sipBan.windowSeconds).catch((err: unknown) => log.error({ err, source: ban.address }, 'sip: could not record the ban'));
  }, runtime.rtpPorts);
  const engine = defaultTtsEngine({ logger: log });
  // Prompts repeat (greetings, menus), so synthesise each once.
  const tts = cachedTts(engine, 200);
  const speak: Speak = (text, opts) => tts.synthesize(text, opts);
  // Voice applications, prompts and status callbacks are customer URLs: the webhook SSRF rules apply.
  const customerFetch = safeFetch(urlPolicy(config));
  const store = fileRecordingStore(config.dataDir);
  const recordings = {
    store,
    // Recording URLs point at this API: PROLOPE_PUBLIC_URL, else where it listens (known once it does,
    // before any call is taken or placed).
    get publicUrl(): string {
      return config.publicUrl ?? node.listenUrl ?? `http://${config.host}:${config.port}`;
    },
  };
  // Stored prompts (`play` by audio_id) from the same object store the API keeps them in, under this
  // server's playback registry, which the operator's takedown stops.
  const promptAudio = new PromptAudioCache();
  const prompts = (accountId: string) => audioPromptSource({ db, store, playbacks: runtime.promptPlaybacks, cache: promptAudio }, accountId);
  // Voicemail messages mailed to their boxes' addresses, when an SMTP server is configured.
  const mail = config.smtp.url ? voicemailMailer(config.smtp.url, config.smtp.from, log) : undefined;
  // Usable once the backend has started; OutboundCalls dials only between its start() and stop().
  const dial = backend.dial?.bind(backend);
  const outbound = new OutboundCalls(
    { db: handlersDb, clock, node, secrets, activeCalls: runtime.activeCalls, wavs: runtime.wavs, conferences: runtime.conferences },
    config,
    dial && { dial, speak, log, recordings, fetch: customerFetch, prompts },
  );
  const inboundDeps = { db, clock, secrets, recordings, node, fetch: customerFetch, prompts, activeCalls: runtime.activeCalls, wavs: runtime.wavs, conferences: runtime.conferences, bridges: runtime.bridges, events, mail };
  const tools = {
    speak,
    log,
    // `dial` places its legs like POST /v1/calls; without SIP out (no dial in the backend) it is skipped.
    legs: dial ? outbound : undefined,
  };
  // INVITEs to an account's SIP domain are SIP users' calls (B2BUA); only a backend serving REGISTER knows their devices.
  const users = { sipDomain: config.sipDomain, algorithms: config.sipRegister.algorithms, dial: backend.serveRegistrations ? dial : undefined };
  backend.onInvite(inviteHandler(inboundDeps, tools, users, inboundHandler(inboundDeps, tools, users.dial)));
  // REGISTER is served where the backend can (the embedded one); drachtio answers it as before.
  const directory = sipUserDirectory({ db, clock, nodeId: node.id });
  backend.serveRegistrations?.(directory, config.sipRegister);
  // Message waiting (RFC 3842): the users' phones subscribe with their registration credentials; any
  // change an account's events hint at (a message stored, heard, deleted) re-counts its subscribers.
  backend.serveMessageSummary?.(directory, config.sipRegister, { summary: (userId) => mailboxSummary({ db }, userId) });
  const refresh = backend.refreshMessageSummaries?.bind(backend);
  const unsubscribe = refresh
    ? events?.subscribe((accountId) => {
        refresh(accountSipDomain(accountId, config.sipDomain)).catch((err: unknown) => log.warn({ err }, 'sip: message waiting refresh failed'));
      })
    : undefined;
  let sweep: NodeJS.Timeout | undefined;
  return {
    outbound,
    async start() {
      try {
        const { sipPort } = await backend.start();
        // Expired bindings are dropped (with their events) every half minute; tests call the sweep themselves.
        if (backend.serveRegistrations) {
          sweep = setInterval(() => {
            sweepExpiredRegistrations({ db, clock }).catch((err: unknown) => log.error({ err }, 'sip: registration sweep failed'));
          }, 30_000);
          sweep.unref();
        }
        outbound.start();
        return { sipPort };
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') {
          throw new Error(`cannot listen for SIP on UDP ${config.sipHost}:${config.sipPort} (${code}); set PROLOPE_SIP_PORT to a free port, or PROLOPE_SIP=off`);
        }
        throw err;
      }
    },
    sipStats: () => ('sip' in backend ? (backend.sip as EmbeddedSip).stats() : undefined),
    async stop() {
      if (sweep) clearInterval(sweep);
      unsubscribe?.();
      const placed = outbound.stop();
      await backend.stop();
      await placed;
      await (engine as { close?: () => Promise<void> | void }).close?.();
    },
  };
}
