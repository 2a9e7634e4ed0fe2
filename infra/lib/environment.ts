import { ENV as HANDLER_ENV } from '../../functions/handlers/config.ts';

/**
 * Environment variable names the stack sets on the Lambda functions: the handlers' own list
 * (functions/handlers/config.ts) plus the few only the stack knows about so far.
 */
export const ENV = {
  ...HANDLER_ENV,
  dedicatedDlqUrl: 'ROWHOOK_DEDICATED_DLQ_URL',
  attemptRetentionDays: 'ROWHOOK_ATTEMPT_RETENTION_DAYS',
} as const;
