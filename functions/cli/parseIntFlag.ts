import { UsageError } from './errors.ts';

/** A whole number flag within [min, max], e.g. `--limit 20`. */
export function parseIntFlag(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} "${text}": expected a whole number from ${min} to ${max}`);
  }
  return value;
}
