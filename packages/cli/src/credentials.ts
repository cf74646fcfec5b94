import { type CliConfig, readConfig } from './config-file.js';
import { CliError } from './errors.js';

/**
 * Where commands send requests when nothing else says: the local development server.
 *
 * @example
 * ```ts
 * new Prolope({ baseUrl: DEFAULT_BASE_URL });
 * ```
 */
export const DEFAULT_BASE_URL = 'http://localhost:3000';

/**
 * The profile name used when neither `--profile`, `PROLOPE_PROFILE` nor a default profile says otherwise.
 *
 * @example
 * ```ts
 * readConfig().profiles[DEFAULT_PROFILE];
 * ```
 */
export const DEFAULT_PROFILE = 'default';

/**
 * The connection flags every API command takes.
 *
 * @example
 * ```ts
 * const flags: ConnectionFlags = { apiKey: undefined, baseUrl: 'http://127.0.0.1:3000', profile: 'dev' };
 * ```
 */
export interface ConnectionFlags {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  profile?: string | undefined;
}

/**
 * The API key and base URL a command uses, and where each came from.
 *
 * @example
 * ```ts
 * const creds: Credentials = resolveCredentials({});
 * if (creds.apiKeySource === 'profile') console.log('using profile', creds.profile);
 * ```
 */
export interface Credentials {
  apiKey: string | undefined;
  baseUrl: string;
  /** The profile consulted (whether or not it exists). */
  profile: string;
  apiKeySource: 'flag' | 'env' | 'profile' | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The profile a command uses: `--profile`, else `PROLOPE_PROFILE`, else the config's default, else `default`.
 *
 * @example
 * ```ts
 * profileName(undefined, readConfig(), process.env);
 * ```
 */
export function profileName(flag: string | undefined, config: CliConfig, env: Env = process.env): string {
  return nonEmpty(flag) ?? nonEmpty(env.PROLOPE_PROFILE) ?? config.default_profile ?? DEFAULT_PROFILE;
}

/**
 * Resolves the API key and base URL: flags override `PROLOPE_API_KEY` / `PROLOPE_BASE_URL`,
 * which override the profile.
 *
 * @throws CliError `profile_not_found` when a profile was named explicitly but is not saved.
 * @example
 * ```ts
 * const { apiKey, baseUrl } = resolveCredentials({ profile: 'dev' });
 * ```
 */
export function resolveCredentials(flags: ConnectionFlags, env: Env = process.env): Credentials {
  const config = readConfig(env);
  const name = profileName(flags.profile, config, env);
  const explicit = nonEmpty(flags.profile) ?? nonEmpty(env.PROLOPE_PROFILE);
  const saved = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
  if (explicit && !saved) {
    const known = Object.keys(config.profiles);
    throw new CliError(
      'profile_not_found',
      `No profile named "${name}"${known.length ? ` (saved: ${known.join(', ')})` : ''}; run \`prolope login --profile ${name}\``,
    );
  }
  const flagKey = nonEmpty(flags.apiKey);
  const envKey = nonEmpty(env.PROLOPE_API_KEY);
  const apiKey = flagKey ?? envKey ?? saved?.api_key;
  const apiKeySource = flagKey ? 'flag' : envKey ? 'env' : saved?.api_key ? 'profile' : undefined;
  const baseUrl = nonEmpty(flags.baseUrl) ?? nonEmpty(env.PROLOPE_BASE_URL) ?? saved?.base_url ?? DEFAULT_BASE_URL;
  return { apiKey, baseUrl: baseUrl.replace(/\/+$/, ''), profile: name, apiKeySource };
}
