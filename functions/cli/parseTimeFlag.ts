import { parseDuration } from '../core/retry/parseDuration.ts';
import { UsageError } from './errors.ts';

/**
 * `--since` / `--until`: an ISO-8601 time, or a duration ago (`30m`, `2h`, `7d`) → ISO string.
 * Dates without a zone are read as UTC, like the API's own times.
 */
export function parseTimeFlag(flag: string, text: string, now: Date): string {
  const ago = parseDuration(text);
  if (ago !== undefined) return new Date(now.getTime() - ago).toISOString();
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const time = /^\d{4}-\d{2}-\d{2}T/.test(iso)
    ? Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso}Z`)
    : NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(
      `--${flag} "${text}": expected an ISO-8601 time (2026-12-01T10:00:00Z) or a duration ago (30m, 2h, 7d)`,
    );
  }
  return new Date(time).toISOString();
}
