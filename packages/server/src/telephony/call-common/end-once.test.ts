import { describe, expect, it } from 'vitest';
import type { CallEnd } from '../backend.js';
import { EndOnce } from './end-once.js';

describe('EndOnce', () => {
  it('tells each listener the first end only, a late listener too, and survives a listener that throws', async () => {
    const errors: unknown[] = [];
    const end = new EndOnce((err) => errors.push(err));
    const heard: CallEnd[] = [];
    end.listen(() => {
      throw new Error('listener bug');
    });
    end.listen((e) => heard.push(e));
    end.fire({ by: 'caller', cause: 'canceled', sipCode: 487 });
    end.fire({ by: 'system', cause: 'error' });
    expect(heard).toEqual([{ by: 'caller', cause: 'canceled', sipCode: 487 }]);
    expect(errors).toHaveLength(1);
    const late = await new Promise<CallEnd>((resolve) => end.listen(resolve));
    expect(late).toEqual({ by: 'caller', cause: 'canceled', sipCode: 487 });
    expect(end.ended?.cause).toBe('canceled');
  });
});
