import { randomBytes } from 'node:crypto';
import { OPERATIONAL_EVENT_TYPES, OPERATOR_ENDPOINT } from '../core/health/constants.ts';
import { generateSecret } from '../core/signing/generateSecret.ts';
import type { EndpointRef } from '../ports/EndpointHealth.ts';
import type { SecretStore } from '../ports/SecretStore.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';

const EVENT_TYPES = Object.values(OPERATIONAL_EVENT_TYPES);
const NOT_CONFIGURED = 'ROWHOOK_OPERATOR_WEBHOOK_URL is not set';

/**
 * Makes the reserved operator tenant's endpoint match the configuration (local start-up, AWS deploy):
 * created or updated (URL, current secret) when an operator webhook is configured, disabled when it
 * no longer is. Without a `secret` (AWS, where it is never in the template) a new endpoint gets a
 * generated one and an existing endpoint keeps its own, so redeploying does not break the receiver.
 * Returns the endpoint to send operational events to, if any.
 */
export async function ensureOperatorEndpoint(
  subscriptions: SubscriptionStore,
  secrets: SecretStore,
  webhook: { url: string; secret?: string } | null,
): Promise<EndpointRef | undefined> {
  const { tenantId, endpointId } = OPERATOR_ENDPOINT;
  const existing = (await subscriptions.getTenant(tenantId))
    ? await subscriptions.getEndpoint(tenantId, endpointId)
    : undefined;
  if (!webhook) {
    if (existing?.enabled) await subscriptions.disableEndpoint(tenantId, endpointId, NOT_CONFIGURED);
    return undefined;
  }
  if (!(await subscriptions.getTenant(tenantId))) {
    // An API key nobody is ever shown: the tenant exists only for the pipeline.
    await subscriptions.createTenant(
      { id: tenantId, name: OPERATOR_ENDPOINT.tenantName, tier: 'pooled' },
      randomBytes(32),
      'reserved',
    );
  }
  if (!existing) {
    await subscriptions.createEndpoint({
      id: endpointId,
      tenantId,
      url: webhook.url,
      description: OPERATOR_ENDPOINT.description,
      eventTypes: EVENT_TYPES,
      filter: null,
      enabled: true,
      transport: 'pooled',
    });
    await secrets.create(endpointId, webhook.secret ?? generateSecret());
  } else {
    await subscriptions.updateEndpoint(tenantId, endpointId, {
      url: webhook.url,
      description: OPERATOR_ENDPOINT.description,
      eventTypes: EVENT_TYPES,
      enabled: true,
    });
    const [current] = (await secrets.activeSecrets([endpointId])).get(endpointId) ?? [];
    const wanted = webhook.secret ?? current ?? generateSecret();
    // A changed secret takes over at once: the operator's receiver now verifies with the new one.
    if (current !== wanted) await secrets.rotate(endpointId, wanted, 0);
  }
  return { tenantId, endpointId };
}
