import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ORDERED_QUEUE } from '../../infra/lib/constructs/DeliveryQueues.ts';
import { resourcesOf, synth } from './support.ts';

// Ordering per key on AWS: the FIFO delivery queue and its FIFO dead-letter queue, the
// deliver-ordered function reading it group by group, and the relay (and sweeper) sending to it.
const { stack, template } = synth();
const ref = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

const variablesOf = (fn: { node: { defaultChild?: unknown } }): Record<string, unknown> =>
  (
    resourcesOf(template)[ref(fn)]?.Properties?.Environment as
      | { Variables?: Record<string, unknown> }
      | undefined
  )?.Variables ?? {};

describe('ordered (FIFO) delivery', () => {
  it('is a high-throughput FIFO queue, deduplicated by the id the relay sends, redriven to a FIFO dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'rowhook-test-ordered.fifo',
      FifoQueue: true,
      ContentBasedDeduplication: false,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      SqsManagedSseEnabled: true,
      MaximumMessageSize: 1_048_576,
      VisibilityTimeout: 180,
      MessageRetentionPeriod: 14 * 86_400,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [ref(stack.queues.orderedDeadLetterQueue), 'Arn'] },
        maxReceiveCount: ORDERED_QUEUE.maxReceiveCount,
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'rowhook-test-ordered-dead-letters.fifo',
      FifoQueue: true,
      SqsManagedSseEnabled: true,
    });
    for (const queue of [stack.queues.orderedQueue, stack.queues.orderedDeadLetterQueue]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: ref(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('feeds deliver-ordered with ReportBatchItemFailures, no batching window, and the deliver concurrency cap', () => {
    const mappings = Object.values(resourcesOf(template)).filter(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' &&
        JSON.stringify(r.Properties?.EventSourceArn).includes(ref(stack.queues.orderedQueue)),
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      FunctionName: { Ref: ref(stack.orderedDelivery.deliver) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 20 },
    });
    expect(mappings[0]?.Properties?.MaximumBatchingWindowInSeconds).toBeUndefined();
  });

  it('lets deliver-ordered hold messages (ChangeMessageVisibility) and dead-letter, and the relay and sweeper send', () => {
    const policies = Object.values(resourcesOf(template)).filter((r) => r.Type === 'AWS::IAM::Policy');
    const statementsOf = (fn: { role?: unknown }) => {
      const roleRef = stack.getLogicalId((fn.role as { node: { defaultChild: never } }).node.defaultChild);
      return policies
        .filter((p) => JSON.stringify(p.Properties?.Roles).includes(roleRef))
        .flatMap(
          (p) =>
            (p.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] } | undefined)
              ?.Statement ?? [],
        );
    };
    const onQueue = (statements: Record<string, unknown>[], queue: typeof stack.queues.orderedQueue) =>
      statements
        .filter((s) => JSON.stringify(s.Resource).includes(ref(queue)))
        .flatMap((s) => [s.Action].flat());
    const deliver = statementsOf(stack.orderedDelivery.deliver);
    expect(onQueue(deliver, stack.queues.orderedQueue)).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage']),
    );
    expect(onQueue(deliver, stack.queues.deadLetterQueue)).toContain('sqs:SendMessage');
    for (const sender of [stack.functions.relay, stack.functions.sweeper]) {
      expect(onQueue(statementsOf(sender), stack.queues.orderedQueue)).toContain('sqs:SendMessage');
    }
  });

  it('tells the relay, the sweeper and deliver-ordered where the queue is', () => {
    for (const fn of [stack.functions.relay, stack.functions.sweeper, stack.orderedDelivery.deliver]) {
      const variables = variablesOf(fn);
      expect(variables.ROWHOOK_ORDERED_QUEUE_URL).toEqual({ Ref: ref(stack.queues.orderedQueue) });
    }
    const deliverVariables = variablesOf(stack.orderedDelivery.deliver);
    // Same metrics service as deliver, so the delivery error-rate alarm counts ordered attempts.
    expect(deliverVariables.POWERTOOLS_SERVICE_NAME).toBe('rowhook-deliver');
  });
});
