import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultTtsEngine } from './default-engine.js';
import { findOnPath } from './find-on-path.js';
import type { MespeakEngine } from './mespeak-engine.js';
import { memoryLogger, rms } from './test-helpers.js';

describe('defaultTtsEngine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prolope-tts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the bundled mespeak when espeak-ng is not on PATH, and it speaks', async () => {
    const engine = defaultTtsEngine({ pathEnv: '', logger: memoryLogger() }) as MespeakEngine;
    expect(engine.name).toBe('mespeak');
    try {
      expect(rms(await engine.synthesize('Hello from Prolope'))).toBeGreaterThan(500);
    } finally {
      await engine.close();
    }
  });

  it('prefers espeak-ng when an executable of that name is on PATH', () => {
    const fake = join(dir, 'espeak-ng');
    writeFileSync(fake, '#!/bin/sh\nexit 0\n');
    chmodSync(fake, 0o755);
    expect(findOnPath('espeak-ng', `/nonexistent:${dir}`)).toBe(fake);
    expect(defaultTtsEngine({ pathEnv: dir }).name).toBe('espeak-ng');
    expect(defaultTtsEngine({ pathEnv: dir, engine: 'mespeak' }).name).toBe('mespeak');
  });

  it('ignores a non-executable file and refuses a forced espeak-ng that is missing', () => {
    const other = mkdtempSync(join(tmpdir(), 'prolope-tts-'));
    try {
      writeFileSync(join(other, 'espeak-ng'), 'not a program');
      chmodSync(join(other, 'espeak-ng'), 0o644);
      expect(findOnPath('espeak-ng', other)).toBeUndefined();
      expect(() => defaultTtsEngine({ pathEnv: other, engine: 'espeak-ng' })).toThrow(/espeak-ng is not on PATH/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
