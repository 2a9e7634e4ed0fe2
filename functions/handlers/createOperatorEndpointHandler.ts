import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { OPERATOR_ENDPOINT } from '../core/health/constants.ts';
import { ensureOperatorEndpoint } from '../pipeline/ensureOperatorEndpoint.ts';
import type { SecretStore } from '../ports/SecretStore.ts';
import type { SubscriptionStore } from '../ports/SubscriptionStore.ts';
import { InvalidHandlerConfigError } from './config.ts';
import type { HandlerLogger } from './observability.ts';

/** What the stack passes (`Custom::RowhookOperatorEndpoint`). */
export interface OperatorEndpointProperties {
  /** The operator's receiver (`rowhook:operatorWebhookUrl`). */
  Url: string;
}

export interface OperatorEndpointDependencies {
  subscriptions: SubscriptionStore;
  secrets: SecretStore;
  logger: HandlerLogger;
}

/** One operator endpoint per stack, so one physical id: a URL change is an update, never a replacement. */
export const OPERATOR_ENDPOINT_PHYSICAL_ID = 'rowhook-operator-endpoint';

/**
 * The operator endpoint custom resource (return to succeed, throw to fail the deploy; wrapped by
 * respondToCloudFormation). Create and Update make the reserved operator tenant and
 * endpoint match the URL, with a generated signing secret kept in Secrets Manager (never in the
 * template); Delete (the setting was removed, or the stack is going) disables the endpoint and keeps
 * its secret, so setting the URL again does not break the operator's receiver. The same function as
 * the local runtime's start-up, through the ports.
 */
export function createOperatorEndpointHandler(deps: OperatorEndpointDependencies) {
  return async (event: CloudFormationCustomResourceEvent) => {
    const url = event.RequestType === 'Delete' ? null : operatorUrl(event.ResourceProperties);
    await ensureOperatorEndpoint(deps.subscriptions, deps.secrets, url ? { url } : null);
    deps.logger.info('operator endpoint reconciled', {
      requestType: event.RequestType,
      endpointId: OPERATOR_ENDPOINT.endpointId,
      // The origin only: receivers that carry a token in the path (Slack-style) stay out of the logs.
      ...(url ? { origin: new URL(url).origin } : { enabled: false }),
    });
    return {
      PhysicalResourceId: OPERATOR_ENDPOINT_PHYSICAL_ID,
      Data: { TenantId: OPERATOR_ENDPOINT.tenantId, EndpointId: OPERATOR_ENDPOINT.endpointId },
    };
  };
}

function operatorUrl(properties: Record<string, unknown>): string {
  const { Url } = properties as Partial<OperatorEndpointProperties>;
  let parsed: URL | undefined;
  try {
    parsed = new URL(String(Url ?? ''));
  } catch {
    parsed = undefined;
  }
  // The stack validates rowhook:operatorWebhookUrl already; this guards a hand-edited template.
  if (parsed?.protocol !== 'https:') {
    throw new InvalidHandlerConfigError(
      `operator webhook URL ${JSON.stringify(Url ?? null)} must be an https:// URL (rowhook:operatorWebhookUrl)`,
    );
  }
  return String(Url);
}
