import { describe, expect, it } from 'vitest';
import {
  cleanCell,
  formatDetails,
  formatTable,
  formatTime,
  truncate,
} from '../../../functions/cli/formatTable.ts';
import { renderProgressBar } from '../../../functions/cli/renderProgressBar.ts';

interface Row {
  id: string;
  count: number;
  note: string | null;
}

const columns = [
  { header: 'id', value: (r: Row) => r.id },
  { header: 'count', value: (r: Row) => r.count, align: 'right' as const },
  { header: 'note', value: (r: Row) => r.note, max: 10 },
];

describe('formatTable', () => {
  it('aligns columns under upper-case headers, right-aligns numbers, leaves no trailing spaces', () => {
    const lines = formatTable(columns, [
      { id: 'a', count: 5, note: 'short' },
      { id: 'longer-id', count: 120, note: null },
    ]);
    expect(lines).toEqual(['ID         COUNT  NOTE', 'a              5  short', 'longer-id    120  -']);
  });

  it('cuts cells longer than the column maximum with an ellipsis', () => {
    const [, row] = formatTable(columns, [{ id: 'x', count: 1, note: 'a very long note indeed' }]);
    expect(row).toBe('x       1  a very lo…');
  });

  it('turns newlines and escape sequences from API data into spaces', () => {
    const [, row] = formatTable(columns, [{ id: 'x', count: 1, note: 'a\nb\u001b[31m' }]);
    expect(row).toBe('x       1  a b [31m');
  });

  it('prints only the header for no rows', () => {
    expect(formatTable(columns, [])).toEqual(['ID  COUNT  NOTE']);
  });
});

describe('cell helpers', () => {
  it('shows null, undefined and empty text as "-"', () => {
    expect([cleanCell(null), cleanCell(undefined), cleanCell(''), cleanCell('  ')]).toEqual([
      '-',
      '-',
      '-',
      '-',
    ]);
    expect(cleanCell(false)).toBe('false');
    expect(cleanCell(0)).toBe('0');
  });

  it('truncates by characters, not UTF-16 units', () => {
    expect(truncate('ééééé', 5)).toBe('ééééé');
    expect(truncate('😀😀😀😀😀😀', 4)).toBe('😀😀😀…');
  });

  it('drops milliseconds from ISO times', () => {
    expect(formatTime('2026-12-01T10:00:00.123Z')).toBe('2026-12-01T10:00:00Z');
    expect(formatTime(null)).toBeNull();
  });

  it('aligns detail keys', () => {
    expect(
      formatDetails([
        ['id', 'dlv_1'],
        ['last error', null],
      ]),
    ).toEqual(['id          dlv_1', 'last error  -']);
  });
});

describe('renderProgressBar', () => {
  it('fills in proportion and shows counts', () => {
    expect(renderProgressBar(0, 4, 8)).toBe('[--------] 0/4   0%');
    expect(renderProgressBar(2, 4, 8)).toBe('[####----] 2/4  50%');
    expect(renderProgressBar(4, 4, 8)).toBe('[########] 4/4 100%');
  });

  it('treats nothing to do as complete and never overflows', () => {
    expect(renderProgressBar(0, 0, 4)).toBe('[####] 0/1 100%');
    expect(renderProgressBar(7, 5, 4)).toBe('[####] 7/7 100%');
  });
});
