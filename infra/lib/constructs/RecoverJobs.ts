import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../environment.ts';
import { REPO_ROOT } from '../paths.ts';
import type { Database } from './Database.ts';
import { nodeFunction } from './nodeFunction.ts';
import { scheduleFunction } from './scheduleFunction.ts';

export interface RecoverJobsProps {
  readonly stage: string;
  readonly database: Database;
  readonly table: dynamodb.ITable;
  readonly deliveryQueue: sqs.IQueue;
  readonly handlersDir?: string;
}

/** How often running recover jobs are taken up; each run sends batches until its time runs low. */
export const RECOVER_SCHEDULE = 'rate(1 minute)';

/**
 * Recover jobs on AWS (POST /v1/endpoints/{id}/recover): the API Lambda creates the job row in
 * Aurora, this function sends it in batches from the outbox to the delivery queue. It reads the
 * outbox and jobs over the Data API, reads endpoints from the table (BatchGetItem only) and may
 * only send to the delivery queue.
 */
export class RecoverJobs extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly schedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: RecoverJobsProps) {
    super(scope, id);
    const handlersDir = props.handlersDir ?? path.join(REPO_ROOT, 'functions', 'handlers');
    this.fn = nodeFunction(this, 'Recover', {
      entry: path.join(handlersDir, 'recover.ts'),
      serviceName: 'rowhook-recover',
      description: 'Sends running recover jobs to the delivery queue, batch by batch, from the outbox',
      timeout: Duration.minutes(5),
      memorySize: 512,
      logRetention: logs.RetentionDays.ONE_MONTH,
      environment: {
        [ENV.stage]: props.stage,
        [ENV.dbClusterArn]: props.database.cluster.clusterArn,
        [ENV.dbSecretArn]: props.database.dataApiSecretArn,
        [ENV.dbName]: props.database.databaseName,
        [ENV.tableName]: props.table.tableName,
        [ENV.deliveryQueueUrl]: props.deliveryQueue.queueUrl,
      },
    });
    props.database.cluster.grantDataApiAccess(this.fn);
    // The endpoint of each job (getEndpointsByIds: its tenant reference, then the endpoint item).
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:BatchGetItem'], resources: [props.table.tableArn] }),
    );
    props.deliveryQueue.grantSendMessages(this.fn);
    this.schedule = scheduleFunction(
      this,
      { role: 'RecoverSchedulerRole', schedule: 'RecoverSchedule' },
      {
        fn: this.fn,
        name: `rowhook-${props.stage}-recover`,
        description: 'Rowhook recover: sends running recover jobs to the delivery queue',
        roleDescription: 'EventBridge Scheduler invokes the Rowhook recover function',
        expression: RECOVER_SCHEDULE,
        source: 'rowhook.scheduler',
      },
    );
  }
}
