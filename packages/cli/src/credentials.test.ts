import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { configDir, readConfig, writeConfig } from './config-file.js';
import { resolveCredentials } from './credentials.js';
import { CliError } from './errors.js';

describe('config file location', () => {
  test('PROLOPE_CONFIG_DIR, then XDG_CONFIG_HOME/prolope, then ~/.config/prolope', () => {
    expect(configDir({ PROLOPE_CONFIG_DIR: '/a', XDG_CONFIG_HOME: '/b' })).toBe('/a');
    expect(configDir({ XDG_CONFIG_HOME: '/b' })).toBe('/b/prolope');
    expect(configDir({})).toMatch(/[/\\]\.config[/\\]prolope$/);
  });
});

describe('resolveCredentials', () => {
  const env = { PROLOPE_CONFIG_DIR: join(mkdtempSync(join(tmpdir(), 'prolope-creds-')), 'cfg') };
  writeConfig(
    {
      default_profile: 'main',
      profiles: {
        main: { api_key: 'pk_live_main', base_url: 'http://main.test/' },
        other: { api_key: 'pk_live_other', base_url: 'http://other.test' },
      },
    },
    env,
  );

  test('flags beat the environment, which beats the profile', () => {
    expect(resolveCredentials({}, env)).toMatchObject({ apiKey: 'pk_live_main', baseUrl: 'http://main.test', profile: 'main', apiKeySource: 'profile' });
    const withEnv = { ...env, PROLOPE_API_KEY: 'pk_live_env', PROLOPE_BASE_URL: 'http://env.test' };
    expect(resolveCredentials({ profile: 'other' }, withEnv)).toMatchObject({ apiKey: 'pk_live_env', baseUrl: 'http://env.test', apiKeySource: 'env' });
    expect(resolveCredentials({ apiKey: 'pk_live_flag', baseUrl: 'http://flag.test' }, withEnv)).toMatchObject({
      apiKey: 'pk_live_flag',
      baseUrl: 'http://flag.test',
      apiKeySource: 'flag',
    });
    expect(resolveCredentials({}, { ...env, PROLOPE_PROFILE: 'other' })).toMatchObject({ apiKey: 'pk_live_other', profile: 'other' });
  });

  test('a named profile must exist; without any, the local server and no key', () => {
    expect(() => resolveCredentials({ profile: 'missing' }, env)).toThrow(CliError);
    const empty = { PROLOPE_CONFIG_DIR: join(tmpdir(), 'prolope-creds-none', String(process.pid)) };
    expect(readConfig(empty)).toEqual({ profiles: {} });
    expect(resolveCredentials({}, empty)).toEqual({ apiKey: undefined, baseUrl: 'http://localhost:3000', profile: 'default', apiKeySource: undefined });
  });
});
