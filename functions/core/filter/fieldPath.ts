/** Messages name locations the way a person reads the filter JSON, starting from this root. */
export const ROOT_PATH = 'filter';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `filter.data.total`, or `filter["detail-type"]` when the key is not a plain identifier. */
export function childPath(parent: string, key: string): string {
  return IDENTIFIER.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
