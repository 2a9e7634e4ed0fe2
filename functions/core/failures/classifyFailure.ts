import { ERROR_CLASS } from '../retry/constants.ts';
import { FAILURE_CLASS } from './constants.ts';

const TRANSPORT_CLASS = new RegExp(`(?:^|last: )(${Object.values(ERROR_CLASS).join('|')}) error`);

/**
 * The failure class of a settlement, from what every runtime stores with a dead letter (the last
 * HTTP status and the reason text written by attemptDelivery). Migration 0005's
 * rowhook.failure_class() is the same rule in SQL; a test keeps the two in step.
 */
export function classifyFailure(status: number | null, error: string | null): string {
  if (status !== null) return `http_${status}`;
  const text = error ?? '';
  if (text.startsWith('endpoint is disabled')) return FAILURE_CLASS.endpointDisabled;
  if (text.startsWith('endpoint has no signing secret')) return FAILURE_CLASS.noSecret;
  return TRANSPORT_CLASS.exec(text)?.[1] ?? FAILURE_CLASS.other;
}
