import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { readConfig, writeConfig } from '../config-file.js';
import { profileName } from '../credentials.js';
import { CliError } from '../errors.js';

/**
 * `prolope logout`: deletes a saved profile (the default one unless `--profile` names another).
 *
 * @example
 * ```ts
 * await Logout.run(['--profile', 'dev']);
 * ```
 */
export class Logout extends BaseCommand {
  static override summary = 'Forget a saved profile';
  static override description =
    'Deletes the profile from the config file: --profile, else PROLOPE_PROFILE, else the default profile. The key itself stays valid; revoke it with `prolope api-keys revoke`.';
  static override examples = ['<%= config.bin %> logout', '<%= config.bin %> logout --profile ci'];
  static override flags = {
    profile: Flags.string({ description: 'The profile to delete.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Logout);
    const config = readConfig();
    const name = profileName(flags.profile, config);
    if (!Object.hasOwn(config.profiles, name)) {
      throw new CliError('profile_not_found', `No profile named "${name}" to forget.`);
    }
    delete config.profiles[name];
    if (config.default_profile === name) delete config.default_profile;
    writeConfig(config);
    this.print({ profile: name, removed: true }, (r) => `Forgot profile "${r.profile}".`);
  }
}
