import { InvalidConfigError } from '../../../functions/local/errors.ts';
import { NO_SEAMS, type PipelineSeams } from '../../../functions/local/PipelineSeams.ts';
import type { DeliveryQueue } from '../../../functions/ports/DeliveryQueue.ts';
import type { OutboxSource } from '../../../functions/ports/OutboxSource.ts';
import type { WebhookSender } from '../../../functions/ports/WebhookSender.ts';
import { KILL_AT_VARIABLE, KILL_POINT, type KillPoint } from './constants.ts';

/**
 * Test-only crash injection for the chaos tests: with ROWHOOK_CHAOS_KILL_AT=<point>:<n> the
 * process SIGKILLs itself the n-th time it reaches <point> (see KILL_POINT). Without it the parts
 * are returned as they are, so the pipeline pays nothing.
 */
export function armKillPoints(env: Record<string, string | undefined>): PipelineSeams {
  const spec = env[KILL_AT_VARIABLE];
  if (!spec) return NO_SEAMS;
  const hit = killSwitch(spec);
  return {
    outbox: (outbox) =>
      override(outbox, {
        claimUnpublished: async (limit: number, publish: Parameters<OutboxSource['claimUnpublished']>[1]) => {
          const claimed = await outbox.claimUnpublished(limit, async (events) => {
            const outcome = await publish(events);
            hit(KILL_POINT.relayEnqueued);
            return outcome;
          });
          if (claimed > 0) hit(KILL_POINT.relayCommitted);
          return claimed;
        },
      }),
    queue: (queue) =>
      override(queue, {
        settle: async (settlements: Parameters<DeliveryQueue['settle']>[0]) => {
          if (settlements.length > 0) hit(KILL_POINT.beforeSettle);
          const result = await queue.settle(settlements);
          if (settlements.length > 0) hit(KILL_POINT.settled);
          return result;
        },
      }),
    // Claimed from the queue or handed over by the relay: leased to this worker, nothing sent.
    taken: (deliveries) => {
      if (deliveries.length > 0) hit(KILL_POINT.claimed);
    },
    recoveries: (jobs) =>
      override(jobs, {
        runBatch: async (limit: number) => {
          const batch = await jobs.runBatch(limit);
          if (batch && batch.queued > 0) hit(KILL_POINT.recoveryQueued);
          return batch;
        },
      }) as typeof jobs,
    sender: (sender) =>
      override(sender, {
        send: async (request: Parameters<WebhookSender['send']>[0]) => {
          const result = await sender.send(request);
          hit(KILL_POINT.sent);
          return result;
        },
      }),
  };
}

function killSwitch(spec: string): (point: KillPoint) => void {
  const points = Object.values(KILL_POINT) as string[];
  const [point, count] = spec.split(':');
  const n = Number(count);
  if (!point || !points.includes(point) || !Number.isInteger(n) || n < 1) {
    throw new InvalidConfigError(
      `${KILL_AT_VARIABLE}=${spec}: expected <point>:<n> with n >= 1 and point one of ${points.join(', ')}`,
    );
  }
  let seen = 0;
  return (reached) => {
    if (reached === point && ++seen === n) process.kill(process.pid, 'SIGKILL');
  };
}

/** The same object with some methods replaced; everything else (other ports it implements) kept. */
function override<T extends object>(target: T, methods: Record<string, unknown>): T {
  return new Proxy(target, {
    get: (object, key, receiver) =>
      typeof key === 'string' && Object.hasOwn(methods, key)
        ? methods[key]
        : Reflect.get(object, key, receiver),
  });
}
