import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { TRANSPORTS, type Transport } from '../../adapters/aws/DeliveryMessage.ts';
import {
  deliveryKey,
  EventBridgeDeliveryPublisher,
  type WebhookHeaderValues,
} from '../../adapters/aws/EventBridgeDeliveryPublisher.ts';
import { ID_PREFIXES } from '../../core/ids/constants.ts';
import { toPublicId } from '../../core/ids/prefixedId.ts';
import { signPayload } from '../../core/signing/signPayload.ts';
import { webhookHeaders } from '../../core/signing/webhookHeaders.ts';
import { isDedicatedActive } from '../../core/subscriptions/Endpoint.ts';
import type { NewDelivery } from '../../ports/DeliveryQueue.ts';
import type { SecretStore } from '../../ports/SecretStore.ts';
import type { SubscriptionStore } from '../../ports/SubscriptionStore.ts';
import { dedicatedDeliverySwitch, ENV, loadEnv, required } from '../config.ts';
import { lazy } from './lazy.ts';
import { secretStore } from './secrets.ts';
import { subscriptionStore } from './subscriptions.ts';

export const eventBridgeClient = lazy(() => new EventBridgeClient({}));

/**
 * An endpoint goes to its API destination only while its dedicated status is `active` (the sync
 * Lambda created the destination and its rule and wrote the ARN back). Pending, fallback-pooled
 * (a quota stopped the sync) or none: pooled, so a missing rule can never swallow its deliveries.
 * With dedicated delivery off in the deployment, everything is pooled, even an endpoint still
 * marked active from before it was turned off.
 */
export function resolveTransports(store: SubscriptionStore, dedicatedDelivery: boolean) {
  return async (endpointIds: readonly string[]): Promise<Map<string, Transport>> => {
    if (!dedicatedDelivery) return new Map(endpointIds.map((id) => [id, TRANSPORTS.pooled]));
    const endpoints = await store.getEndpointsByIds(endpointIds);
    return new Map(
      endpoints.map((endpoint) => [
        endpoint.id,
        isDedicatedActive(endpoint) ? TRANSPORTS.apiDestination : TRANSPORTS.pooled,
      ]),
    );
  };
}

/** Signs api-destination deliveries at publish time, as EventBridge will send them. */
export function signAtPublish(secrets: SecretStore, now: () => Date = () => new Date()) {
  return async (deliveries: readonly NewDelivery[]): Promise<Map<string, WebhookHeaderValues>> => {
    const active = await secrets.activeSecrets([...new Set(deliveries.map((d) => d.endpointId))]);
    const timestamp = Math.floor(now().getTime() / 1000);
    const headers = new Map<string, WebhookHeaderValues>();
    for (const delivery of deliveries) {
      const keys = active.get(delivery.endpointId);
      if (!keys || keys.length === 0) continue; // the publisher refuses unsigned api-destination entries
      const id = toPublicId(ID_PREFIXES.event, delivery.eventId);
      const signature = signPayload({ id, timestamp, body: delivery.body, secrets: keys });
      headers.set(deliveryKey(delivery), { ...webhookHeaders({ id, timestamp, signature }) });
      // webhook-sequence is not among these: the API destination's rule target maps it from the
      // entry's own `sequence` field (ApiDestinationManager).
    }
    return headers;
  };
}

/** Deliveries it refuses (over the entry size limit) come back from enqueue; the relay records them. */
export const deliveryPublisher = lazy(() => {
  const env = loadEnv({
    [ENV.eventBusName]: required,
    [ENV.dedicatedDelivery]: dedicatedDeliverySwitch,
  });
  return new EventBridgeDeliveryPublisher(eventBridgeClient(), {
    eventBusName: env[ENV.eventBusName],
    transports: resolveTransports(subscriptionStore(), env[ENV.dedicatedDelivery]),
    signHeaders: signAtPublish(secretStore()),
  });
});
