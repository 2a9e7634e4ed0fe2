import { checkNumericOperand } from './checkNumericOperand.ts';
import { describeValue } from './describeValue.ts';
import { InvalidFilterError } from './errors.ts';

/** Compares an event number in its comparable form (scaled to an exact integer, see comparableNumber.ts). */
type Comparison = (value: bigint) => boolean;

const EXAMPLE = 'an array like [">", 0, "<=", 5] or ["=", 3]';

// A Map rather than an object literal so an operator such as "toString" cannot resolve to a prototype member.
const COMPARISONS = new Map<string, (bound: bigint) => Comparison>([
  ['=', (bound) => (value) => value === bound],
  ['>', (bound) => (value) => value > bound],
  ['>=', (bound) => (value) => value >= bound],
  ['<', (bound) => (value) => value < bound],
  ['<=', (bound) => (value) => value <= bound],
]);

/** Compiles the operand of `numeric`: one comparison, or a range given as a lower then an upper bound. */
export function compileNumeric(operand: unknown, path: string): Comparison {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new InvalidFilterError(path, `numeric expects ${EXAMPLE}, got ${describeValue(operand)}`);
  }
  const [firstOperator, firstBound, secondOperator, secondBound] = operand as unknown[];
  const first = comparison(firstOperator, firstBound, path);
  if (operand.length === 2) return first.test;

  if (first.operator !== '>' && first.operator !== '>=') {
    throw new InvalidFilterError(
      path,
      `a numeric range must start with ">" or ">=" and end with "<" or "<=", e.g. [">", 0, "<=", 5]; ` +
        `got ${describeValue(operand)}`,
    );
  }
  const second = comparison(secondOperator, secondBound, path);
  if (second.operator !== '<' && second.operator !== '<=') {
    throw new InvalidFilterError(
      path,
      `a numeric range must end with "<" or "<=", e.g. [">", 0, "<=", 5]; got ${describeValue(operand)}`,
    );
  }
  if (first.bound >= second.bound) {
    throw new InvalidFilterError(
      path,
      `numeric range ${describeValue(operand)} is empty: the lower bound ${String(firstBound)} must be less ` +
        `than the upper bound ${String(secondBound)}`,
    );
  }
  return (value) => first.test(value) && second.test(value);
}

function comparison(operator: unknown, bound: unknown, path: string) {
  const make = typeof operator === 'string' ? COMPARISONS.get(operator) : undefined;
  if (make === undefined) {
    throw new InvalidFilterError(
      path,
      `numeric operators are "=", ">", ">=", "<" and "<=", got ${describeValue(operator)}; ` +
        `numeric expects ${EXAMPLE}`,
    );
  }
  const checked = checkNumericOperand(bound, path, `numeric "${operator}"`);
  return { operator, bound: checked, test: make(checked) };
}
