import { comparableNumber, numberText } from './comparableNumber.ts';
import { FILTER_LIMITS } from './constants.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';

/**
 * Numbers that `numeric` and `anything-but` compare against must be comparable numbers in event-ruler's sense
 * (comparableNumber.ts); EventBridge refuses the others. Returns the number scaled to an exact integer.
 */
export function checkNumericOperand(value: unknown, path: string, operator: string): bigint {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const hint =
      typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))
        ? `; write ${value.trim()} without quotes`
        : '';
    throw new InvalidFilterError(path, `${operator} expects a number, got ${describeValue(value)}${hint}`);
  }
  const max = FILTER_LIMITS.maxNumericMagnitude;
  if (Math.abs(value) > max) {
    throw new InvalidFilterError(
      path,
      `${operator} numbers must be between -${max} and ${max}, got ${value}`,
    );
  }
  const scaled = comparableNumber(numberText(value));
  if (scaled === undefined) {
    throw new InvalidFilterError(
      path,
      `${operator} numbers may have at most ${FILTER_LIMITS.maxNumericDecimals} digits after the decimal point, got ${value}`,
    );
  }
  return scaled;
}
