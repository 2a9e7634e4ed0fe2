import { SqsFifoDeliveryPublisher } from '../../adapters/aws/SqsFifoDeliveryPublisher.ts';
import { ENV, loadEnv, url } from '../config.ts';
import { sqsClient } from './deadLetters.ts';
import { lazy } from './lazy.ts';

/** Per-key endpoints' deliveries, sent by the relay straight to the FIFO delivery queue. */
export const orderedPublisher = lazy(() => {
  const env = loadEnv({ [ENV.orderedQueueUrl]: url });
  return new SqsFifoDeliveryPublisher(sqsClient(), { queueUrl: env[ENV.orderedQueueUrl] });
});
