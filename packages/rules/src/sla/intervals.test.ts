import { describe, expect, it } from 'vitest';
import { clip, type Interval, overlapLength, totalLength, union } from './intervals.js';

const iv = (pairs: Array<[number, number]>): Interval[] => pairs.map(([start, end]) => ({ start, end }));

describe('intervals', () => {
  it.each<[Array<[number, number]>, Array<[number, number]>]>([
    [[], []],
    [
      [
        [5, 10],
        [0, 3],
      ],
      [
        [0, 3],
        [5, 10],
      ],
    ],
    [
      [
        [0, 5],
        [3, 8],
        [8, 9],
      ],
      [[0, 9]],
    ],
    [
      [
        [0, 10],
        [2, 3],
      ],
      [[0, 10]],
    ],
    [
      [
        [4, 4],
        [1, 2],
      ],
      [[1, 2]],
    ],
  ])('union of %j is %j', (input, expected) => {
    expect(union(iv(input))).toEqual(iv(expected));
  });

  it.each<[Array<[number, number]>, Array<[number, number]>, number]>([
    [[[0, 10]], [[5, 15]], 5],
    [
      [
        [0, 10],
        [20, 30],
      ],
      [[5, 25]],
      10,
    ],
    [
      [[0, 10]],
      [
        [1, 2],
        [3, 4],
        [9, 12],
      ],
      3,
    ],
    [[[0, 10]], [[10, 20]], 0],
    // A later interval that does not reach the first one: nothing in common, never a negative length.
    [[[0, 10]], [[20, 30]], 0],
    [
      [
        [0, 10],
        [40, 50],
      ],
      [[20, 30]],
      0,
    ],
    [[], [[0, 5]], 0],
  ])('%j and %j overlap for %i', (a, b, expected) => {
    expect(overlapLength(iv(a), iv(b))).toBe(expected);
  });

  it('clips to a range and drops what falls outside', () => {
    expect(
      clip(
        iv([
          [-5, 5],
          [6, 7],
          [9, 20],
          [30, 40],
        ]),
        0,
        10,
      ),
    ).toEqual(
      iv([
        [0, 5],
        [6, 7],
        [9, 10],
      ]),
    );
    expect(
      totalLength(
        iv([
          [0, 5],
          [6, 7],
        ]),
      ),
    ).toBe(6);
  });
});
