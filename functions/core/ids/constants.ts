export const ID_PREFIXES = {
  event: 'evt',
  delivery: 'dlv',
  endpoint: 'ep',
  apiKey: 'rk',
  recovery: 'rcv',
} as const;

export type IdPrefix = (typeof ID_PREFIXES)[keyof typeof ID_PREFIXES];
