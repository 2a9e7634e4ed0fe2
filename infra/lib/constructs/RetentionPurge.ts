import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { ENV } from '../environment.ts';
import { REPO_ROOT } from '../paths.ts';
import type { Database } from './Database.ts';
import { nodeFunction } from './nodeFunction.ts';
import { scheduleFunction } from './scheduleFunction.ts';

export interface RetentionPurgeProps {
  readonly stage: string;
  readonly database: Database;
  /** rowhook:attemptRetentionDays: also how long published outbox rows are kept. */
  readonly retentionDays: number;
  readonly handlersDir?: string;
}

/** How often the purge runs; each run removes what fits in its time, the next goes on. */
export const PURGE_SCHEDULE = 'rate(15 minutes)';

/**
 * The retention purge on AWS: a function over the Data API (the same batches as `npm start`'s
 * background purge, migration 0017) on an EventBridge Scheduler rate. It needs nothing but the
 * Data API: Aurora's outbox is the only thing on AWS it removes; attempts expire by DynamoDB TTL.
 */
export class RetentionPurge extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly schedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: RetentionPurgeProps) {
    super(scope, id);
    const handlersDir = props.handlersDir ?? path.join(REPO_ROOT, 'functions', 'handlers');
    this.fn = nodeFunction(this, 'Purge', {
      entry: path.join(handlersDir, 'purge.ts'),
      serviceName: 'rowhook-purge',
      description: 'Removes published outbox rows older than the retention, in small batches',
      timeout: Duration.minutes(5),
      memorySize: 256,
      logRetention: logs.RetentionDays.ONE_MONTH,
      environment: {
        [ENV.stage]: props.stage,
        [ENV.dbClusterArn]: props.database.cluster.clusterArn,
        [ENV.dbSecretArn]: props.database.dataApiSecretArn,
        [ENV.dbName]: props.database.databaseName,
        [ENV.attemptRetentionDays]: String(props.retentionDays),
      },
    });
    props.database.cluster.grantDataApiAccess(this.fn);
    this.schedule = scheduleFunction(
      this,
      { role: 'PurgeSchedulerRole', schedule: 'PurgeSchedule' },
      {
        fn: this.fn,
        name: `rowhook-${props.stage}-purge`,
        description: 'Rowhook retention: removes published outbox rows older than the retention',
        roleDescription: 'EventBridge Scheduler invokes the Rowhook retention purge',
        expression: PURGE_SCHEDULE,
        source: 'rowhook.scheduler',
      },
    );
  }
}
