import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';

/**
 * One saved set of credentials.
 *
 * @example
 * ```ts
 * const profile: Profile = { api_key: 'pk_live_…', base_url: 'http://localhost:3000', account_id: 'acct_1', account_name: 'Acme' };
 * ```
 */
export interface Profile {
  api_key: string;
  base_url: string;
  account_id?: string | undefined;
  account_name?: string | undefined;
}

/**
 * The CLI's config file: named profiles and which one commands use by default.
 *
 * @example
 * ```ts
 * const config: CliConfig = { default_profile: 'dev', profiles: { dev: { api_key: 'pk_live_…', base_url: 'http://127.0.0.1:3000' } } };
 * ```
 */
export interface CliConfig {
  default_profile?: string | undefined;
  profiles: Record<string, Profile>;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The folder holding `config.json`: `$PROLOPE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/prolope`,
 * else `~/.config/prolope`.
 *
 * @example
 * ```ts
 * configDir({ PROLOPE_CONFIG_DIR: '/tmp/p' }); // '/tmp/p'
 * ```
 */
export function configDir(env: Env = process.env): string {
  if (env.PROLOPE_CONFIG_DIR) return env.PROLOPE_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'prolope');
}

/**
 * The path of the config file.
 *
 * @example
 * ```ts
 * configPath({ XDG_CONFIG_HOME: '/home/ana/.config' }); // '/home/ana/.config/prolope/config.json'
 * ```
 */
export function configPath(env: Env = process.env): string {
  return join(configDir(env), 'config.json');
}

/**
 * Reads the config file; a missing file is an empty config.
 *
 * @throws CliError `config_invalid` when the file is not the JSON the CLI writes.
 * @example
 * ```ts
 * const { profiles } = readConfig();
 * ```
 */
export function readConfig(env: Env = process.env): CliConfig {
  const file = configPath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new CliError('config_invalid', `Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError('config_invalid', `${file} is not valid JSON; fix or delete it`, { cause: err });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliError('config_invalid', `${file} must hold a JSON object; fix or delete it`);
  }
  const config = parsed as Partial<CliConfig>;
  return { ...config, profiles: config.profiles && typeof config.profiles === 'object' ? config.profiles : {} };
}

/**
 * Writes the config file atomically, readable by its owner only (mode 0600, folder 0700).
 *
 * @example
 * ```ts
 * const config = readConfig();
 * config.profiles.ci = { api_key: 'pk_live_…', base_url: 'https://api.prolope.dev' };
 * writeConfig(config);
 * ```
 */
export function writeConfig(config: CliConfig, env: Env = process.env): string {
  const dir = configDir(env);
  const file = configPath(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode above only applies to new files and is masked by the umask; make sure.
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}
