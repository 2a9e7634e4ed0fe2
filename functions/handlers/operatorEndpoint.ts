import {
  createOperatorEndpointHandler,
  OPERATOR_ENDPOINT_PHYSICAL_ID,
} from './createOperatorEndpointHandler.ts';
import { createObservability } from './observability.ts';
import { respondToCloudFormation } from './respondToCloudFormation.ts';
import { lazy } from './wiring/lazy.ts';
import { secretStore } from './wiring/secrets.ts';
import { subscriptionStore } from './wiring/subscriptions.ts';

export { createOperatorEndpointHandler };

const { logger } = createObservability('rowhook-operator-endpoint');

const wired = lazy(() =>
  respondToCloudFormation(
    createOperatorEndpointHandler({ subscriptions: subscriptionStore(), secrets: secretStore(), logger }),
    logger,
    OPERATOR_ENDPOINT_PHYSICAL_ID,
  ),
);

/** Deploy-time custom resource (its own service token): the reserved operator tenant and endpoint. */
export const handler: ReturnType<typeof wired> = (event) => wired()(event);
