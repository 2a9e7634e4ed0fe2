import { CLI_DEFAULTS } from './constants.ts';

export type CellValue = string | number | boolean | null | undefined;

export interface Column<Row> {
  header: string;
  value: (row: Row) => CellValue;
  /** Longest cell before it is cut with "…"; defaults to CLI_DEFAULTS.maxCellWidth. */
  max?: number;
  align?: 'left' | 'right';
}

const ELLIPSIS = '…';

/**
 * One line of text safe to print in a terminal: API data (receiver error messages, response
 * snippets) may hold newlines or escape sequences that would break the table or drive the terminal.
 */
export function cleanCell(value: CellValue): string {
  if (value === null || value === undefined || value === '') return '-';
  return (
    String(value)
      .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
      .trim() || '-'
  );
}

export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}${ELLIPSIS}`;
}

/** Aligned columns under upper-case headers, two spaces apart, no trailing spaces. */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string[] {
  const cells = rows.map((row) =>
    columns.map((column) => truncate(cleanCell(column.value(row)), column.max ?? CLI_DEFAULTS.maxCellWidth)),
  );
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => Array.from(row[i] ?? '').length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - Array.from(value).length);
        return columns[i]?.align === 'right' ? pad + value : value + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)];
}

/** "key  value" lines with the keys aligned, for one object. */
export function formatDetails(pairs: readonly (readonly [string, CellValue])[]): string[] {
  const width = Math.max(0, ...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${key.padEnd(width)}  ${cleanCell(value)}`.trimEnd());
}

/** ISO time without milliseconds: tables stay narrow and still sort as text. */
export function formatTime(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return iso.replace(/\.\d+Z$/, 'Z');
}
