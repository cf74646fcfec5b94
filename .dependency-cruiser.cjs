/**
 * Which way imports may point (docs/architecture.md draws the same layers). `pnpm deps:check` runs it
 * over packages/*\/src; CI runs it before the build, and test/deps-check.test.ts proves each rule
 * fails on a planted violation.
 *
 * Server layers, bottom to top:
 *   base        store/ (Kysely, migrations, object storage), clock.ts, ids.ts, errors.ts, secrets/ (generated code is the @prolope/contract package)
 *   infra       http/ (auth, problems, SSRF-guarded fetch, ...), events/, config.ts, deps.ts, this-node.ts, sip-address.ts
 *   telephony   telephony/: backend.ts (the interface), sip/ (the SIP stack), media/ (codecs, SDP, RTP, WAV),
 *               call-common/ (what both adapters' calls share: an end told once; an inbound call's digest and hang-up rules),
 *               the embedded/ and drachtio/ adapters, tts/, verbs/ (the interpreter); knows nothing of
 *               calls, numbers, trunks or accounts
 *   domains     calls/, numbers/, sip-trunks/, accounts/, billing/, ... (routes.ts, service.ts, store.ts)
 *   root        app.ts, server.ts, voice.ts, main.ts, index.ts: build the process and wire domains onto telephony
 * Test files (and their helpers) start real servers, so they may import across layers; cycles count everywhere.
 */
const S = '^packages/server/src/';
// Test files and the helpers only they import (test-numbers.ts and test-clock-*.ts are features, not helpers).
const TESTS = '(\\.test\\.ts|\\.test-helper\\.ts|/test-(helpers|setup|receiver|client|fixtures|accounts)\\.ts)$|/src/test/';
const BASE = `${S}(store/|generated/|secrets/|(clock|ids|errors)\\.ts$)`;
const INFRA = `${S}(http/|events/|(config|deps|this-node|sip-address|version)\\.ts$)`;
const ROOT = `${S}(app|server|voice|main|index)\\.ts$`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: two modules need each other, so neither can be understood, tested or moved alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'base-imports-only-base',
      severity: 'error',
      comment: 'store/, clock, ids, errors, secrets and the generated code are the bottom layer: they import nothing above them.',
      from: { path: BASE, pathNot: TESTS },
      to: { path: S, pathNot: BASE },
    },
    {
      name: 'http-imports-no-domain',
      severity: 'error',
      comment: 'http/ is infrastructure every domain uses (auth, problems, pagination, safe fetch): it imports only the base layer.',
      from: { path: `${S}http/`, pathNot: TESTS },
      to: { path: S, pathNot: `${BASE}|${S}(http/|(config|version)\\.ts$)` },
    },
    {
      name: 'deps-imports-no-domain',
      severity: 'error',
      comment: 'deps.ts is what every domain receives; naming a domain there makes every domain depend on it (that was a cycle through calls/outbound.ts).',
      from: { path: `${S}deps\\.ts$` },
      to: { path: S, pathNot: `${BASE}|${INFRA}` },
    },
    {
      name: 'telephony-imports-no-calls',
      severity: 'error',
      comment: 'Telephony carries calls; the calls domain drives it. Wiring the two together is the composition root (voice.ts).',
      from: { path: `${S}telephony/`, pathNot: TESTS },
      to: { path: `${S}calls/` },
    },
    {
      name: 'telephony-imports-no-domain',
      severity: 'error',
      comment: 'Telephony (SIP, media, adapters, speech, verbs) imports only itself and the base and infra layers, never a domain.',
      from: { path: `${S}telephony/`, pathNot: TESTS },
      to: { path: S, pathNot: `${BASE}|${INFRA}|${S}telephony/` },
    },
    {
      name: 'verbs-above-adapters',
      severity: 'error',
      comment: 'Inside telephony the verbs sit on top: the adapters, media and speech never import the interpreter.',
      from: { path: `${S}telephony/(?!verbs/)`, pathNot: TESTS },
      to: { path: `${S}telephony/verbs/` },
    },
    {
      name: 'shared-telephony-sees-no-adapter',
      severity: 'error',
      comment: 'backend.ts, sip/, media/, call-common/, tts/ and verbs/ serve both adapters, so they import neither (the adapters import them).',
      from: { path: `${S}telephony/((sip|media|call-common|tts|verbs)/|backend\\.ts$)`, pathNot: TESTS },
      to: { path: `${S}telephony/(embedded|drachtio)/` },
    },
    {
      name: 'adapters-import-no-other-adapter',
      severity: 'error',
      comment: 'embedded/ and drachtio/ are alternatives: what both need (SIP digest, codecs, SDP, RTP, call rules) lives in sip/, media/ or call-common/.',
      from: { path: `${S}telephony/(embedded|drachtio)/`, pathNot: TESTS },
      to: { path: `${S}telephony/(embedded|drachtio)/`, pathNot: `${S}telephony/$1/` },
    },
    {
      name: 'adapters-only-from-root',
      severity: 'error',
      comment: 'Domains see telephony through backend.ts (and the media, verbs and speech helpers), never an adapter: which backend runs is the root\'s choice.',
      from: { path: S, pathNot: `${TESTS}|${ROOT}|${S}telephony/` },
      to: { path: `${S}telephony/(embedded|drachtio)/|${S}telephony/create-backend\\.ts$` },
    },
    {
      name: 'no-other-domains-store',
      severity: 'error',
      comment: "A domain reads another domain through its service, never its store.ts: a table's layout stays its own domain's.",
      from: { path: `${S}([^/]+)/`, pathNot: TESTS },
      to: { path: [`${S}[^/]+/store\\.ts$`, `${S}[^/]+/[^/]+/store\\.ts$`], pathNot: `${S}$1/` },
    },
    {
      name: 'nothing-imports-the-root',
      severity: 'error',
      comment: 'app.ts, server.ts and voice.ts build the process from everything else; nothing below may import them back.',
      from: { path: S, pathNot: `${TESTS}|${ROOT}` },
      to: { path: ROOT },
    },
    {
      name: 'libraries-import-no-server-or-cli',
      severity: 'error',
      comment: 'The SDK and the webhooks package are what customers install: they never import the server or the CLI.',
      from: { path: '^packages/(sdk|webhooks)/src/' },
      to: { path: '^(packages/(server|cli)/|@prolope/(server|cli)$)' },
    },
    {
      name: 'cli-runs-the-server-only-in-dev-and-call-test',
      severity: 'error',
      comment:
        'The CLI talks to a server over HTTP through the SDK and takes its rules from @prolope/rules. Only `prolope dev` (load-server.ts) and `prolope call test` (the SIP test caller, until it has a package of its own) load @prolope/server, an optional peer dependency; tests start servers.',
      from: { path: '^packages/cli/src/', pathNot: `${TESTS}|^packages/cli/src/(testing/|load-server\\.ts$|commands/call-test(-report)?\\.ts$)` },
      to: { path: '^(packages/server/|@prolope/server$)' },
    },
    {
      name: 'server-imports-no-cli',
      severity: 'error',
      comment: 'The CLI builds on the server (prolope dev), never the other way round.',
      from: { path: '^packages/server/src/' },
      to: { path: '^(packages/cli/|@prolope/cli$)' },
    },
  ],
  options: {
    // Type-only imports count: a cycle through types is still two modules that need each other.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    moduleSystems: ['es6'],
  },
};
