import { comparableNumber } from './comparableNumber.ts';
import type { FlatValue } from './nodes.ts';

const cache = new WeakMap<FlatValue, bigint | null>();

/** The comparable form of a number value (see comparableNumber.ts), or undefined for other values. */
export function eventNumber(value: FlatValue): bigint | undefined {
  if (value.kind !== 'number') return undefined;
  let scaled = cache.get(value);
  if (scaled === undefined) {
    scaled = comparableNumber(value.text) ?? null;
    cache.set(value, scaled);
  }
  return scaled ?? undefined;
}
