import { FILTER_LIMITS } from './constants.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';
import { expandPattern } from './expandPattern.ts';
import { ROOT_PATH } from './fieldPath.ts';
import { flattenJsonText, flattenValue } from './flattenEvent.ts';
import { isPlainObject } from './isPlainObject.ts';
import { matchFilter } from './matchFilter.ts';
import type { SubRule } from './nodes.ts';
import { checkWildcardComplexity } from './wildcardComplexity.ts';

export interface CompiledFilter {
  /** Whether an already parsed event body passes the filter; its numbers are doubles. Never throws. */
  matches(event: unknown): boolean;
  /**
   * Whether an event body given as JSON text passes the filter, comparing numbers by the digits written
   * there, as EventBridge does. Text that is not a JSON object has no fields. Never throws.
   */
  matchesJson(body: string): boolean;
}

/**
 * Validates an EventBridge event pattern and compiles it once, so matching each event does no parsing or
 * validation. Throws InvalidFilterError naming the exact place and problem for anything EventBridge refuses.
 */
export function compileFilter(pattern: unknown): CompiledFilter {
  if (!isPlainObject(pattern)) {
    throw new InvalidFilterError(
      ROOT_PATH,
      `a filter must be a JSON object like {"type": ["orders.created"]}, got ${describeValue(pattern)}`,
    );
  }
  checkJsonLength(pattern);
  if (Object.keys(pattern).length === 0) {
    throw new InvalidFilterError(
      ROOT_PATH,
      'a filter must name at least one field; to receive every event, leave the filter out instead of sending {}',
    );
  }
  const expanded = expandPattern(pattern, ROOT_PATH);
  checkWildcardComplexity(expanded, ROOT_PATH);
  const alternatives: SubRule[] = expanded.map((alternative) =>
    [...alternative.keys()].sort().map((path) => {
      const conditions = (alternative.get(path) ?? []).map(({ condition }) => condition);
      return {
        path,
        tests: conditions.flatMap((condition) => (condition.kind === 'test' ? [condition.test] : [])),
        absent: conditions.some((condition) => condition.kind === 'absent'),
      };
    }),
  );
  return Object.freeze({
    matches: (event: unknown) => matchFilter(alternatives, flattenValue(event)),
    matchesJson: (body: string) => matchFilter(alternatives, flattenJsonText(body)),
  });
}

function checkJsonLength(pattern: Record<string, unknown>): void {
  let json: string;
  try {
    json = JSON.stringify(pattern);
  } catch (cause) {
    // A filter nested thousands of levels deep overflows the stack here, before the depth check.
    if (cause instanceof RangeError) {
      throw new InvalidFilterError(
        ROOT_PATH,
        `the filter nests objects more than ${FILTER_LIMITS.maxDepth} levels deep`,
        { cause },
      );
    }
    throw new InvalidFilterError(
      ROOT_PATH,
      'a filter must be plain JSON, without cycles, BigInts or other values JSON cannot hold',
      { cause },
    );
  }
  // JSON.stringify writes lone surrogates as \udXXX escapes (paired ones stay raw); escaped
  // backslashes are dropped first so a literal "\\ud800" in a value is not mistaken for one.
  if (/\\ud[89a-f][0-9a-f]{2}/i.test(json.replaceAll('\\\\', ''))) {
    throw new InvalidFilterError(
      ROOT_PATH,
      'the filter contains a lone UTF-16 surrogate, which is not valid Unicode text',
    );
  }
  if (json.length > FILTER_LIMITS.maxJsonLength) {
    throw new InvalidFilterError(
      ROOT_PATH,
      `the filter is ${json.length} characters as JSON; the limit is ${FILTER_LIMITS.maxJsonLength}`,
    );
  }
}
