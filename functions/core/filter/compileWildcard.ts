import { InvalidFilterError } from './errors.ts';

/**
 * Compiles an EventBridge wildcard (`*` matches any run of characters, `\*` a literal asterisk, `\\` a
 * literal backslash) into a string test. Matching places the literal runs between stars greedily from the
 * left, which is exact for star-only globs and never backtracks, so a hostile pattern cannot make matching
 * slow the way a translated regular expression could.
 */
export function compileWildcard(pattern: string, path: string, operator: string): (value: string) => boolean {
  const literals = splitOnWildcards(pattern, path, operator);
  return (value) => matchLiterals(literals, value);
}

function splitOnWildcards(pattern: string, path: string, operator: string): string[] {
  const literals: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '*') {
      // EventBridge refuses `**`: it means nothing more than `*` and is usually a typo.
      if (pattern.charAt(i + 1) === '*') {
        throw new InvalidFilterError(
          path,
          `${operator} ${JSON.stringify(pattern)} has consecutive "*" at position ${i}; ` +
            'a single "*" already matches any run of characters',
        );
      }
      literals.push(current);
      current = '';
    } else if (char === '\\') {
      const next = pattern.charAt(i + 1);
      if (next !== '*' && next !== '\\') {
        throw new InvalidFilterError(
          path,
          `${operator} ${JSON.stringify(pattern)} has a backslash at position ${i} that escapes neither "*" ` +
            'nor a backslash; write two backslashes for a literal one',
        );
      }
      current += next;
      i++;
    } else {
      current += char;
    }
  }
  literals.push(current);
  return literals;
}

function matchLiterals(literals: readonly string[], value: string): boolean {
  const first = literals[0] ?? '';
  if (literals.length === 1) return value === first;
  const last = literals[literals.length - 1] ?? '';
  const end = value.length - last.length;
  if (end < first.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let position = first.length;
  for (let i = 1; i < literals.length - 1; i++) {
    const literal = literals[i] ?? '';
    const found = value.indexOf(literal, position);
    if (found < 0 || found + literal.length > end) return false;
    position = found + literal.length;
  }
  return true;
}
