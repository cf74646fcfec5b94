import { describe, expect, test } from 'vitest';
import { renderList, renderObject } from './render.js';
import { fitColumns, renderTable } from './table.js';
import { terminalWidth } from './terminal-width.js';
import { cutToWidth, textWidth } from './text-width.js';

const widthOf = (text: string) => Math.max(...text.split('\n').map(textWidth));

describe('renderTable', () => {
  test('without a width: columns aligned, every cell in full, one line per row, no trailing spaces', () => {
    const text = renderTable(
      [
        ['ctc_1', 'Ana\nMaria', 'x'.repeat(60)],
        ['ctc_22', 'Bo', ''],
      ],
      { header: ['ID', 'NAME', 'NOTE'] },
    );
    expect(text.split('\n')).toEqual(['ID      NAME       NOTE', `------  ---------  ${'-'.repeat(60)}`, `ctc_1   Ana Maria  ${'x'.repeat(60)}`, 'ctc_22  Bo']);
  });

  test('a table wider than the width gets its widest columns cut with …, never the first', () => {
    const rows = [
      ['acct_01M9754TY7R1K3QDSMEBATQQ4A', 'Prolope platform operator', 'active', '2026-12-07T02:25:54.119Z', 'key_01M9754TY7R1K3QDSMEBATQQ4B'],
      ['acct_01M9754TY7R1K3QDSMEBATQQ4C', 'Acme', 'past_due', '2026-12-08T10:00:00.000Z', '-'],
    ];
    const header = ['ID', 'NAME', 'STATUS', 'CREATED_AT', 'KEY_ID'];
    const full = renderTable(rows, { header });
    expect(widthOf(full)).toBe(31 + 2 + 25 + 2 + 8 + 2 + 24 + 2 + 30);

    // 100 columns: the id stays whole (31); the rest share 61 with a cap of 17, NAME gets the 2 left over.
    const text = renderTable(rows, { header, width: 100 });
    const line = (...cells: string[]) =>
      cells
        .map((c, i) => c.padEnd([31, 19, 8, 17, 17][i] ?? 0))
        .join('  ')
        .trimEnd();
    expect(text.split('\n')).toEqual([
      line('ID', 'NAME', 'STATUS', 'CREATED_AT', 'KEY_ID'),
      line('-'.repeat(31), '-'.repeat(19), '-'.repeat(8), '-'.repeat(17), '-'.repeat(17)),
      line('acct_01M9754TY7R1K3QDSMEBATQQ4A', 'Prolope platform o…', 'active', '2026-12-07T02:25…', 'key_01M9754TY7R1…'),
      line('acct_01M9754TY7R1K3QDSMEBATQQ4C', 'Acme', 'past_due', '2026-12-08T10:00…', '-'),
    ]);
    for (const line of text.split('\n')) expect(textWidth(line)).toBeLessThanOrEqual(100);
  });
});

describe('fitColumns', () => {
  test('cuts the widest columns to one cap and hands what is left to the cut ones, left to right', () => {
    expect(fitColumns([31, 25, 24, 6], 80)).toEqual([31, 19, 18, 6]);
    expect(fitColumns([31, 25, 24, 6], 200)).toEqual([31, 25, 24, 6]);
    expect(fitColumns([31, 25, 24, 6], undefined)).toEqual([31, 25, 24, 6]);
  });

  test('no column is cut below 5 even when the table then does not fit; the first never is', () => {
    expect(fitColumns([40, 30, 30, 30], 50)).toEqual([40, 5, 5, 5]);
    expect(fitColumns([200, 3], 20)).toEqual([200, 3]);
  });
});

describe('wide characters', () => {
  test('CJK and emoji count two columns, combining marks none, and cuts never split a character', () => {
    expect(textWidth('Ana')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('👍')).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
    expect(cutToWidth('日本語テキスト', 6)).toBe('日本…');
    expect(cutToWidth('Ana Maria Petrova', 8)).toBe('Ana Mar…');
    expect(cutToWidth('Ana', 8)).toBe('Ana');
  });

  test('a column of Cyrillic and CJK names lines up in terminal columns', () => {
    const text = renderTable(
      [
        ['ctc_1', '山田太郎', 'x'],
        ['ctc_2', 'Ана Петрова', 'y'],
      ],
      { header: ['ID', 'NAME', 'R'] },
    );
    const lines = text.split('\n');
    // The third column starts at the same terminal column on every line.
    expect(lines.map((l) => textWidth(l.slice(0, l.lastIndexOf(' ') + 1)))).toEqual([20, 20, 20, 20]);
  });
});

describe('render with a layout', () => {
  const items = [
    { id: 'acct_01M9754TY7R1K3QDSMEBATQQ4A', object: 'account', name: 'Prolope platform operator', description: 'd'.repeat(150), status: 'active' },
  ];

  test('renderList fits the width, and prints in full without one', () => {
    const fitted = renderList(items, { width: 80 });
    for (const line of fitted.split('\n')) expect(textWidth(line)).toBeLessThanOrEqual(80);
    expect(fitted).toContain('acct_01M9754TY7R1K3QDSMEBATQQ4A');
    expect(fitted).toContain('…');
    expect(renderList(items)).toContain('d'.repeat(150));
  });

  test('renderObject cuts values, never field names', () => {
    const fitted = renderObject({ id: 'acct_1', legal_entity: { legal_name: 'L'.repeat(200) } }, { width: 60 });
    expect(fitted.split('\n')).toEqual(['id                       acct_1', `legal_entity.legal_name  ${'L'.repeat(34)}…`]);
    expect(renderObject({ a: 'L'.repeat(200) })).toBe(`a  ${'L'.repeat(200)}`);
  });
});

describe('terminalWidth', () => {
  test('COLUMNS wins, then the width of a terminal; piped output has no limit', () => {
    expect(terminalWidth({ isTTY: true, columns: 120 }, {})).toBe(120);
    expect(terminalWidth({ isTTY: true, columns: 120 }, { COLUMNS: '90' })).toBe(90);
    expect(terminalWidth({ isTTY: false }, {})).toBeUndefined();
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '80' })).toBe(80);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' })).toBeUndefined();
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '' })).toBeUndefined();
  });
});
