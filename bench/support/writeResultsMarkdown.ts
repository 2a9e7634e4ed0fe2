import { readFile, writeFile } from 'node:fs/promises';

const START = '<!-- results:start (written by npm run bench) -->';
const END = '<!-- results:end -->';

export interface ResultRow {
  measure: string;
  value: string;
  goal: string;
  met: boolean | null;
  /** Set when the run behind the row lost deliveries (or signatures failed): its figure does not count. */
  failed?: string | null;
}

function metCell(row: ResultRow): string {
  if (row.failed) return `FAILED: ${row.failed}`;
  return row.met === null ? '—' : row.met ? 'yes' : 'no';
}

/** Rewrites only the generated table in RESULTS.md, so the notes around it (profiles, history) stay. */
export async function writeResultsMarkdown(file: string, heading: string, rows: readonly ResultRow[]) {
  const table = [
    heading,
    '',
    '| Measure | Result | Goal | Met |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.measure} | ${r.value} | ${r.goal} | ${metCell(r)} |`),
  ].join('\n');
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch {
    text = `# Benchmark results\n\n${START}\n${END}\n`;
  }
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  const next =
    from >= 0 && to > from
      ? `${text.slice(0, from + START.length)}\n${table}\n${text.slice(to)}`
      : `${text.trimEnd()}\n\n${START}\n${table}\n${END}\n`;
  await writeFile(file, next);
}
