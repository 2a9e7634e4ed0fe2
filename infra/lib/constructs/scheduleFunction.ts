import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';

/**
 * An EventBridge Scheduler schedule that invokes one function, with a role of its own limited to
 * that function (the L2 target's role would also allow `<function>:*`) and to this account. A
 * missed run is not retried: the next tick is the retry.
 */
export function scheduleFunction(
  scope: Construct,
  ids: { role: string; schedule: string },
  props: {
    fn: lambda.IFunction;
    name: string;
    description: string;
    roleDescription: string;
    expression: string;
    source: string;
  },
): scheduler.CfnSchedule {
  const role = new iam.Role(scope, ids.role, {
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description: props.roleDescription,
  });
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.fn.functionArn] }),
  );
  return new scheduler.CfnSchedule(scope, ids.schedule, {
    name: props.name,
    description: props.description,
    scheduleExpression: props.expression,
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: props.fn.functionArn,
      roleArn: role.roleArn,
      input: JSON.stringify({ source: props.source }),
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
    },
  });
}
