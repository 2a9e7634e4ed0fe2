import { InvalidFilterError } from './errors.ts';

/** Counts conditions while compiling so an oversized filter is refused at the first condition past the limit. */
export class ConditionBudget {
  readonly #limit: number;
  #used = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  spend(path: string, amount = 1): void {
    this.#used += amount;
    if (this.#used > this.#limit) {
      throw new InvalidFilterError(
        path,
        `the filter has more than ${this.#limit} values and conditions in total; simplify it, for example by ` +
          'replacing a long list of values with a prefix or wildcard',
      );
    }
  }
}
