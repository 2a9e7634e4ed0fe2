import { compileFilter } from '../../../functions/core/filter/compileFilter.ts';
import { InvalidFilterError } from '../../../functions/core/filter/errors.ts';

/** The InvalidFilterError compileFilter throws for a pattern; fails the test if it throws nothing or anything else. */
export function compileError(pattern: unknown): InvalidFilterError {
  try {
    compileFilter(pattern);
  } catch (error) {
    if (error instanceof InvalidFilterError) return error;
    throw error;
  }
  throw new Error(`expected compileFilter to reject ${JSON.stringify(pattern)}`);
}
