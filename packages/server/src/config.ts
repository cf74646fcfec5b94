import { resolve } from 'node:path';

/** Everything the server reads from its environment, read once. */
export interface Config {
  /** HTTP port; 0 picks a free one (tests). */
  port: number;
  host: string;
  /** Folder for the embedded SQLite file and other local state. */
  dataDir: string;
  /** PostgreSQL connection string; when set the server uses PostgreSQL instead of SQLite. */
  databaseUrl: string | undefined;
  /** The platform operator's API key, when fixed by the environment. */
  operatorKey: string | undefined;
  /** Requests per second allowed per API key (or per client IP without a key). */
  rateLimitPerSecond: number;
  logLevel: string;
  /** Development mode relaxes checks meant for the public internet (later: webhook SSRF rules). */
  development: boolean;
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
  return n;
}

/** Builds the config from environment variables, with embedded defaults for a laptop. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  return {
    port: int('PROLOPE_PORT', env.PROLOPE_PORT, 3000),
    host: env.PROLOPE_HOST || '127.0.0.1',
    dataDir: resolve(env.PROLOPE_DATA_DIR || '.prolope'),
    databaseUrl: env.DATABASE_URL || undefined,
    operatorKey: env.PROLOPE_OPERATOR_KEY || undefined,
    rateLimitPerSecond: int('PROLOPE_RATE_LIMIT', env.PROLOPE_RATE_LIMIT, 100),
    logLevel: env.PROLOPE_LOG_LEVEL || 'info',
    development: env.NODE_ENV !== 'production',
    ...overrides,
  };
}
