// Test support: a real Prolope server in this process, on a free port and a throwaway data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, type RunningServer, startServer } from '@prolope/server';

/**
 * A running server plus the paths the CLI should use with it.
 *
 * @example
 * ```ts
 * const t = await startTestServer();
 * await runCli(['accounts', 'me'], { PROLOPE_API_KEY: t.operatorKey, PROLOPE_BASE_URL: t.url });
 * await t.close();
 * ```
 */
export interface TestServer {
  server: RunningServer;
  url: string;
  operatorKey: string;
  /** A scratch folder, deleted by close(); `configDir` is inside it. */
  dir: string;
  configDir: string;
  close(): Promise<void>;
}

/**
 * Starts a real server with an empty SQLite store and no rate limit (on `clock` when given, with the
 * incident breach job driven by `server.incidents.tick()`), and points
 * `PROLOPE_CONFIG_DIR` at a fresh folder (clearing `PROLOPE_API_KEY`, `PROLOPE_BASE_URL`,
 * `PROLOPE_PROFILE`) so tests never read the user's own profiles.
 *
 * @example
 * ```ts
 * let t: TestServer;
 * beforeAll(async () => { t = await startTestServer(); });
 * afterAll(() => t.close());
 * ```
 */
export async function startTestServer(opts: { clock?: Clock } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'prolope-cli-test-'));
  const configDir = join(dir, 'config');
  process.env.PROLOPE_CONFIG_DIR = configDir;
  for (const name of ['PROLOPE_API_KEY', 'PROLOPE_BASE_URL', 'PROLOPE_PROFILE']) delete process.env[name];
  const server = await startServer({
    config: { port: 0, host: '127.0.0.1', dataDir: join(dir, 'data'), rateLimitPerSecond: 0, sipPort: 0, stockTestNumbers: false },
    ...(opts.clock ? { clock: opts.clock, incidents: { loop: false } } : {}),
    logger: false,
  });
  const operatorKey = server.createdOperatorKey;
  if (!operatorKey) throw new Error('A fresh store should have created the operator key');
  return {
    server,
    url: server.url,
    operatorKey,
    dir,
    configDir,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The flags `prolope accounts create` needs, for a company in Bulgaria.
 *
 * @example
 * ```ts
 * await runCli(['accounts', 'create', ...accountFlags('Acme'), '--json'], env);
 * ```
 */
export function accountFlags(name: string): string[] {
  return [
    '--name',
    name,
    '--legal-entity.type',
    'company',
    '--legal-entity.legal-name',
    `${name} Ltd`,
    '--legal-entity.country',
    'BG',
    '--legal-entity.vat-number',
    'BG123456789',
    '--signatory.name',
    'Ana Petrova',
    '--signatory.email',
    'ana@example.com',
    '--signatory.confirms-age-18-or-over',
    '--signatory.confirms-authority',
  ];
}
