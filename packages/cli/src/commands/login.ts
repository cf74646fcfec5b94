import { Flags } from '@oclif/core';
import { ApiCommand } from '../api-command.js';
import { configPath, readConfig, writeConfig } from '../config-file.js';
import { DEFAULT_BASE_URL, DEFAULT_PROFILE } from '../credentials.js';
import { CliError } from '../errors.js';
import { maskKey } from '../mask.js';
import { readSecret } from '../read-secret.js';
import { renderObject } from '../render.js';

interface Account {
  id: string;
  name: string;
}

/**
 * `prolope login`: checks an API key with `accounts.me` and saves it as a profile in the config
 * file (mode 0600). The profile becomes the default.
 *
 * @example
 * ```ts
 * await Login.run(['--api-key', 'pk_live_…', '--base-url', 'http://127.0.0.1:3000', '--profile', 'dev']);
 * ```
 */
export class Login extends ApiCommand {
  static override summary = 'Check an API key and save it as a profile';
  static override description =
    'The key comes from --api-key, else PROLOPE_API_KEY, else stdin (typed without echo, or piped). It is checked with GET /v1/accounts/me before anything is saved. The profile (--profile, else PROLOPE_PROFILE, else "default") becomes the default profile.';
  static override examples = [
    '<%= config.bin %> login --api-key pk_live_… --base-url https://api.example.com',
    { description: 'Read the key from a pipe and save it as the profile "ci".', command: 'echo "$KEY" | <%= config.bin %> login --profile ci' },
  ];
  static override baseFlags = {
    ...ApiCommand.baseFlags,
    'api-key': Flags.string({ description: 'The key to check and save; default: PROLOPE_API_KEY, else read from stdin.', helpGroup: 'GLOBAL' }),
    'base-url': Flags.string({
      description: "The API it belongs to; default: PROLOPE_BASE_URL, else the profile's URL, else http://localhost:3000.",
      helpGroup: 'GLOBAL',
    }),
    profile: Flags.string({ description: 'The profile to save; default: PROLOPE_PROFILE, else "default".', helpGroup: 'GLOBAL' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Login);
    const env = process.env;
    const config = readConfig();
    const name = flags.profile || env.PROLOPE_PROFILE || DEFAULT_PROFILE;
    const existing = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
    const baseUrl = (flags['base-url'] || env.PROLOPE_BASE_URL || existing?.base_url || DEFAULT_BASE_URL).replace(/\/+$/, '');
    const apiKey = flags['api-key'] || env.PROLOPE_API_KEY || (await readSecret('Prolope API key: '));
    if (!apiKey) throw new CliError('usage_error', 'No API key given: pass --api-key, set PROLOPE_API_KEY, or type it when asked.');

    let account: Account;
    try {
      account = (await this.client(apiKey, baseUrl).request('accounts.me')) as Account;
    } catch (err) {
      if (err instanceof Error) err.message = `${err.message}. Nothing was saved.`;
      throw err;
    }

    config.profiles[name] = { api_key: apiKey, base_url: baseUrl, account_id: account.id, account_name: account.name };
    config.default_profile = name;
    const file = writeConfig(config);
    const result = { profile: name, base_url: baseUrl, api_key: maskKey(apiKey), account_id: account.id, account_name: account.name, config_path: file };
    this.print(
      result,
      (r) =>
        `Logged in to ${r.base_url} as ${r.account_name} (${r.account_id}).\nSaved profile "${r.profile}" in ${configPath()}.\n\n${renderObject(r, this.layout({}))}`,
    );
  }
}
