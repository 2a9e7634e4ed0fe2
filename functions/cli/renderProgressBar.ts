/** `[########------------]  40/100  40%` for a TTY; `total` may grow while redriving. */
export function renderProgressBar(done: number, total: number, width = 30): string {
  const safeTotal = Math.max(total, done, 1);
  const ratio = total <= 0 ? 1 : Math.min(1, done / safeTotal);
  const filled = Math.round(ratio * width);
  const digits = String(safeTotal).length;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(done).padStart(digits)}/${safeTotal} ${String(Math.floor(ratio * 100)).padStart(3)}%`;
}
