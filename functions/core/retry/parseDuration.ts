import { DURATION_UNIT_MS, type DurationUnit } from './constants.ts';

const DURATION = /^(\d+)\s*(ms|s|m|h|d)$/;

/**
 * `250ms`, `15s`, `24h` → milliseconds; undefined when the text is not one of those. Whole numbers,
 * lower-case units; surrounding whitespace and a space before the unit are ignored.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNIT_MS[match[2] as DurationUnit];
}
