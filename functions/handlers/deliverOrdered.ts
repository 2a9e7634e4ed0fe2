import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsMessageHold } from '../adapters/aws/sqsMessageHold.ts';
import { ENV, loadEnv, url } from './config.ts';
import { createOrderedDeliverHandler } from './createOrderedDeliverHandler.ts';
import { createObservability } from './observability.ts';
import { sqsClient } from './wiring/deadLetters.ts';
import { deliveryAttempts } from './wiring/deliveryAttempts.ts';
import { lazy } from './wiring/lazy.ts';

export { createOrderedDeliverHandler };

// The deliver service's name: its delivery counters (and the error-rate alarm over them) cover both.
const observability = createObservability('rowhook-deliver');

/** Wired like deliver.ts; retries are held on the FIFO queue instead of re-sent (see the handler). */
const wired = lazy(() => {
  const env = loadEnv({ [ENV.orderedQueueUrl]: url });
  return createOrderedDeliverHandler({
    ...deliveryAttempts(observability),
    // The settler then only sees dead letters (the DynamoDB record and the dead-letter queue).
    hold: sqsMessageHold(sqsClient(), env[ENV.orderedQueueUrl]),
  });
});

/** The FIFO delivery queue (per-key endpoints) → ordered attempts; ReportBatchItemFailures on the mapping. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => wired()(event);
