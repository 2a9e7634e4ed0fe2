import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { CANARY_PATHS, type CanaryPath } from '../smoke/constants.ts';
import type { CanaryDelivery } from '../smoke/ports.ts';

export interface CanaryReceiverDependencies {
  readonly records: {
    secretOf(runId: string, path: string): Promise<string | null>;
    recordDelivery(runId: string, delivery: CanaryDelivery): Promise<void>;
  };
  readonly now?: () => number;
}

const PATH = /^\/([A-Za-z0-9-]{1,64})\/([a-z]+)\/?$/;
const PATHS = new Set<string>(Object.values(CANARY_PATHS));

const answer = (statusCode: number, body: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'text/plain' },
  body,
});

/**
 * The canary receiver behind a Lambda Function URL: `POST /<runId>/<path>`. It verifies the Standard
 * Webhooks signature with the standardwebhooks library (the receiver side everyone uses, not
 * Rowhook's own signer) against the run's secret, records the outcome for the smoke check, and
 * answers 401 on a bad signature as a real receiver would. Unknown runs get 404 and no record, so
 * the public URL cannot be used to fill the table.
 */
export function createCanaryReceiverHandler(deps: CanaryReceiverDependencies) {
  const now = deps.now ?? Date.now;
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    if (event.requestContext.http.method !== 'POST') return answer(405, 'POST only');
    const match = PATH.exec(event.rawPath);
    const runId = match?.[1];
    const path = match?.[2];
    if (!runId || !path || !PATHS.has(path)) return answer(404, 'unknown canary path');
    const secret = await deps.records.secretOf(runId, path);
    if (secret === null) return answer(404, 'unknown canary run');

    const receivedAt = now();
    const body = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(event.headers ?? {})) {
      if (value !== undefined) headers[name.toLowerCase()] = value;
    }
    let reason: string | null = null;
    try {
      new Webhook(secret).verify(body, headers);
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    await deps.records.recordDelivery(runId, {
      path: path as CanaryPath,
      receivedAt,
      signatureValid: reason === null,
      webhookId: headers['webhook-id'] ?? null,
      reason,
    });
    return reason === null ? answer(204, '') : answer(401, `signature refused: ${reason}`);
  };
}
