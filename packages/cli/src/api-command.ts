import { Flags } from '@oclif/core';
import { Prolope } from '@prolope/sdk';
import { BaseCommand } from './base-command.js';
import { type ConnectionFlags, type Credentials, resolveCredentials } from './credentials.js';
import { CliError } from './errors.js';

/**
 * The base of commands that call the API: adds `--api-key`, `--base-url` and `--profile`, and
 * builds an SDK client from them (flags, then `PROLOPE_API_KEY` / `PROLOPE_BASE_URL`, then the profile).
 *
 * @example
 * ```ts
 * class Whoami extends ApiCommand {
 *   async run(): Promise<void> {
 *     const { flags } = await this.parse(Whoami);
 *     const { client } = this.connect(flags);
 *     this.print(await client.request('accounts.me'), (a) => a.name);
 *   }
 * }
 * ```
 */
export abstract class ApiCommand extends BaseCommand {
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    'api-key': Flags.string({ description: 'API key to use; overrides PROLOPE_API_KEY and the profile.', helpGroup: 'GLOBAL' }),
    'base-url': Flags.string({ description: 'API base URL; overrides PROLOPE_BASE_URL and the profile.', helpGroup: 'GLOBAL' }),
    profile: Flags.string({ description: 'Saved profile to use; default: PROLOPE_PROFILE, else the default profile.', helpGroup: 'GLOBAL' }),
  };

  /**
   * Resolves credentials and creates a client.
   *
   * @throws CliError `no_api_key` when `requireKey` and no key was found anywhere.
   * @example
   * ```ts
   * const { client, credentials } = this.connect(flags, { requireKey: true });
   * ```
   */
  protected connect(
    flags: { 'api-key'?: string | undefined; 'base-url'?: string | undefined; profile?: string | undefined },
    options: { requireKey?: boolean } = {},
  ): { client: Prolope; credentials: Credentials } {
    const given: ConnectionFlags = { apiKey: flags['api-key'], baseUrl: flags['base-url'], profile: flags.profile };
    const credentials = resolveCredentials(given);
    if (options.requireKey !== false && !credentials.apiKey) {
      throw new CliError('no_api_key', 'No API key: run `prolope login`, set PROLOPE_API_KEY, or pass --api-key (or start `prolope dev`).');
    }
    return { client: this.client(credentials.apiKey, credentials.baseUrl), credentials };
  }

  /**
   * A client for an explicit key and base URL.
   *
   * @example
   * ```ts
   * const client = this.client('pk_live_…', 'http://127.0.0.1:3000');
   * ```
   */
  protected client(apiKey: string | undefined, baseUrl: string): Prolope {
    if (!URL.canParse(baseUrl)) throw new CliError('usage_error', `The base URL must be absolute, like http://localhost:3000; got "${baseUrl}"`);
    return new Prolope({ apiKey: apiKey ?? '', baseUrl, userAgent: `prolope-cli/${this.config.version}` });
  }
}
