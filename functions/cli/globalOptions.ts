import type { OptionsConfig } from './CommandSpec.ts';

/** Accepted before or after the command words. */
export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig;

/** The filters shared by `dlq ls`, `dlq summary` and `dlq redrive --all`. */
export const DLQ_FILTER_OPTIONS = {
  tenant: { type: 'string' },
  endpoint: { type: 'string' },
  'event-type': { type: 'string' },
  'error-class': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
} as const satisfies OptionsConfig;

export const PAGE_OPTIONS = {
  limit: { type: 'string' },
  cursor: { type: 'string' },
} as const satisfies OptionsConfig;
