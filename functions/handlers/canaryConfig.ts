import { arn, ENV, loadEnv, required, url } from './config.ts';

/** Environment of the canary functions (set by infra/lib/constructs/Canary.ts). */
export const CANARY_ENV = {
  canaryTableName: 'ROWHOOK_CANARY_TABLE_NAME',
  apiUrl: 'ROWHOOK_API_URL',
  receiverUrl: 'ROWHOOK_CANARY_RECEIVER_URL',
} as const;

export function loadCanaryReceiverEnv(env: NodeJS.ProcessEnv = process.env) {
  return loadEnv({ [CANARY_ENV.canaryTableName]: required }, env);
}

export function loadCanaryCheckEnv(env: NodeJS.ProcessEnv = process.env) {
  return loadEnv(
    {
      [ENV.stage]: required,
      [CANARY_ENV.canaryTableName]: required,
      [CANARY_ENV.apiUrl]: url,
      [CANARY_ENV.receiverUrl]: url,
      [ENV.adminTokenSecretArn]: arn,
      [ENV.dbClusterArn]: arn,
      [ENV.dbSecretArn]: arn,
      [ENV.dbName]: required,
    },
    env,
  );
}
