import { RecoveryInputError } from './errors.ts';

/**
 * The window a recover request names, checked before anything is stored: `until` defaults to now
 * (a later one is cut to now, since nothing after it exists yet) and must come after `since`.
 */
export function checkRecoveryWindow(
  since: Date,
  until: Date | undefined,
  now: Date,
): { since: Date; until: Date } {
  if (since.getTime() >= now.getTime()) {
    throw new RecoveryInputError(
      `since (${since.toISOString()}) is not in the past: name the start of the window to re-send, e.g. two hours ago`,
    );
  }
  const end = until === undefined || until.getTime() > now.getTime() ? now : until;
  if (end.getTime() <= since.getTime()) {
    throw new RecoveryInputError(
      `until (${end.toISOString()}) must be later than since (${since.toISOString()})`,
    );
  }
  return { since, until: end };
}
