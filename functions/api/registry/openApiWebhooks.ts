import type { EventType } from '../../core/catalog/EventType.ts';
import { webhookBodySchema } from '../../core/catalog/webhookBodySchema.ts';

const SIGNATURE_HEADERS = [
  ['webhook-id', 'The event id (evt_...), the same on every attempt: deduplicate on it'],
  ['webhook-timestamp', "This attempt's time, unix seconds"],
  ['webhook-signature', 'Standard Webhooks signature(s) of {id}.{timestamp}.{body}'],
] as const;

/**
 * The OpenAPI 3.1 `webhooks` of these event types: one entry per type whose request body is the
 * webhook envelope with that type's `data` schema, so receivers can generate their types.
 * Published types without a registered schema are left out (they are per tenant).
 */
export function openApiWebhooks(types: readonly EventType[]): Record<string, unknown> {
  const webhooks: Record<string, unknown> = {};
  for (const eventType of types) {
    if (eventType.schema === null) continue;
    webhooks[eventType.type] = {
      post: {
        operationId: `webhook_${eventType.type.replace(/[^A-Za-z0-9_]/g, '_')}`,
        tags: ['Webhooks'],
        summary:
          eventType.source === 'table'
            ? `Row change of ${eventType.sourceTable} (schema version ${eventType.version})`
            : `Published event (schema version ${eventType.version})`,
        parameters: SIGNATURE_HEADERS.map(([name, description]) => ({
          name,
          in: 'header',
          required: true,
          description,
          schema: { type: 'string' },
        })),
        requestBody: {
          required: true,
          content: { 'application/json': { schema: webhookBodySchema(eventType) } },
        },
        responses: {
          '2XX': { description: 'Received; any other answer is retried' },
        },
      },
    };
  }
  return webhooks;
}
