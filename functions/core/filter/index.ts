export { type CompiledFilter, compileFilter } from './compileFilter.ts';
export { FILTER_LIMITS, FILTER_OPERATORS, type FilterOperator } from './constants.ts';
export { FilterError, InvalidFilterError } from './errors.ts';
