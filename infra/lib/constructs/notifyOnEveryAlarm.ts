import type { IAspect } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';

/**
 * Gives every CloudWatch alarm in the scope the topic as its ALARM and OK action, so no alarm is
 * created silent (one added later by any construct included): ALARM tells a person something broke,
 * OK that it recovered without them. Applied with `Aspects.of(stack).add(...)`.
 */
export class NotifyOnEveryAlarm implements IAspect {
  private readonly action: actions.SnsAction;
  private readonly done = new WeakSet<cloudwatch.Alarm>();

  constructor(topic: sns.ITopic) {
    this.action = new actions.SnsAction(topic);
  }

  visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.Alarm) || this.done.has(node)) return;
    this.done.add(node);
    node.addAlarmAction(this.action);
    node.addOkAction(this.action);
  }
}
