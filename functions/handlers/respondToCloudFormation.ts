import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { HandlerLogger } from './observability.ts';

export interface CustomResourceResult {
  PhysicalResourceId: string;
  /** What CloudFormation shows for the resource; `ok` when not given. */
  Reason?: string;
  Data?: Record<string, string>;
}

/**
 * Turns a custom resource function (return to succeed, throw to fail) into the Lambda CloudFormation
 * invokes directly as the service token: the outcome is PUT to the pre-signed ResponseURL. Without
 * the CDK Provider framework there is no extra Lambda, no managed policy and no state machine.
 */
export function respondToCloudFormation(
  run: (event: CloudFormationCustomResourceEvent) => Promise<CustomResourceResult>,
  logger: HandlerLogger,
  fallbackPhysicalId: string,
) {
  return async (event: CloudFormationCustomResourceEvent): Promise<void> => {
    let body: Record<string, unknown>;
    try {
      const result = await run(event);
      body = { Status: 'SUCCESS', Reason: 'ok', ...result };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.error('custom resource failed', { requestType: event.RequestType, reason });
      const physicalId = 'PhysicalResourceId' in event ? event.PhysicalResourceId : fallbackPhysicalId;
      // The whole response must stay under 4 KB.
      body = { Status: 'FAILED', Reason: reason.slice(0, 3000), PhysicalResourceId: physicalId };
    }
    const response = await fetch(event.ResponseURL, {
      method: 'PUT',
      // CloudFormation's pre-signed URL is signed without a content type.
      headers: { 'content-type': '' },
      body: JSON.stringify({
        ...body,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
      }),
    });
    if (!response.ok) throw new Error(`CloudFormation response upload failed: HTTP ${response.status}`);
  };
}
