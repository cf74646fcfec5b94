import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretKeyMismatch, secretBox } from './secret-box.js';
import { serverKey } from './server-key.js';

describe('secret box', () => {
  const box = secretBox(randomBytes(32));

  it('seals so that only the same key and context open it, never showing the secret', () => {
    const sealed = box.seal('carrier-Pass-1 é', 'carrier:car_1');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('carrier-Pass-1');
    expect(box.open(sealed, 'carrier:car_1')).toBe('carrier-Pass-1 é');
    // A fresh IV each time: equal secrets do not look equal at rest.
    expect(box.seal('carrier-Pass-1 é', 'carrier:car_1')).not.toBe(sealed);
    expect(() => box.open(sealed, 'carrier:car_2')).toThrow();
  });

  it('names a value sealed with another key, and refuses damaged or foreign text', () => {
    const other = secretBox(randomBytes(32));
    const sealed = other.seal('x', 'c');
    expect(() => box.open(sealed, 'c')).toThrow(SecretKeyMismatch);
    expect(() => box.open(sealed, 'c')).toThrow(new RegExp(`sealed with key ${other.keyId}, but this server's PROLOPE_SECRET_KEY is ${box.keyId}`));
    const good = box.seal('secret', 'c');
    const parts = good.split('.');
    const body = Buffer.from(parts[4] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    const flipped = [...parts.slice(0, 4), body.toString('base64url')].join('.');
    expect(() => box.open(flipped, 'c')).toThrow();
    for (const junk of ['', 'secret', 'v2.a.b.c.d', `${good}.extra`]) expect(() => box.open(junk, 'c')).toThrow();
    expect(() => secretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('server key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prolope-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses PROLOPE_SECRET_KEY when set, else makes a key file once (mode 0600) and reads it back', () => {
    const configured = randomBytes(32);
    expect(serverKey(configured, join(dir, 'unused'))).toBe(configured);
    const data = join(dir, 'data');
    const first = serverKey(undefined, data);
    expect(first).toHaveLength(32);
    expect(statSync(join(data, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(serverKey(undefined, data)).toEqual(first);
    expect(readFileSync(join(data, 'secret.key'), 'utf8').trim()).toBe(first.toString('hex'));
  });

  it('refuses a damaged key file instead of making a new key over it', () => {
    const data = join(dir, 'damaged');
    serverKey(undefined, data);
    writeFileSync(join(data, 'secret.key'), 'not a key\n');
    expect(() => serverKey(undefined, data)).toThrow(/must hold 64 hex characters/);
  });
});
