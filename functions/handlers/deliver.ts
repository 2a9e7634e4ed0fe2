import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createDeliverHandler } from './createDeliverHandler.ts';
import { createObservability } from './observability.ts';
import { deliveryAttempts } from './wiring/deliveryAttempts.ts';
import { lazy } from './wiring/lazy.ts';

export { createDeliverHandler };

const observability = createObservability('rowhook-deliver');

const wired = lazy(() => createDeliverHandler(deliveryAttempts(observability)));

/** SQS (delivery queue, dedicated DLQ) → signed attempts; ReportBatchItemFailures on the mapping. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => wired()(event);
