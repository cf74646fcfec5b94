import { describe, expect, it } from 'vitest';
import { asE164Prefix, searchPage } from './search-page.js';

describe('asE164Prefix', () => {
  it.each([
    [undefined, undefined],
    ['3592', '+3592'],
    ['+3592', '+3592'],
    [' 3592', '+3592'],
    ['+35929876543', '+35929876543'],
  ])('%s -> %s', (raw, prefix) => {
    expect(asE164Prefix(raw)).toBe(prefix);
  });
});

describe('searchPage', () => {
  const rows = ['+1', '+2', '+3'].map((number) => ({ number }));
  it.each([
    [3, 3, false, null],
    [5, 3, false, null],
    [2, 2, true, '+2'],
    [1, 1, true, '+1'],
  ])('limit %i gives %i rows, has_more %s, cursor %s', (limit, count, hasMore, cursor) => {
    const page = searchPage(rows, limit);
    expect(page).toMatchObject({ object: 'list', has_more: hasMore, next_cursor: cursor });
    expect(page.data).toHaveLength(count);
  });
});
