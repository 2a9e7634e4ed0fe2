import { UsageError } from './errors.ts';

/** `a,b , c` → ['a', 'b', 'c']; empty entries are a usage error, not silently dropped. */
export function parseListFlag(flag: string, text: string): string[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new UsageError(`--${flag} "${text}": expected a comma-separated list without empty entries`);
  }
  return items;
}
