import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { CANARY_PATHS, type CanaryPath, SMOKE_DEFAULTS } from '../constants.ts';
import type { CanaryDelivery, CanaryRecords, CanaryTenant } from '../ports.ts';

/** Key layout of the canary table (its own table: nothing else reads or writes it). */
export const CANARY_KEYS = {
  partition: 'pk',
  sort: 'sk',
  ttl: 'expiresAt',
  run: (runId: string) => `run#${runId}`,
  runItem: 'run',
  /** The kept tenant (no TTL: it outlives runs). */
  tenant: 'tenant',
  deliveryPrefix: 'delivery#',
} as const;

const PATHS = new Set<string>(Object.values(CANARY_PATHS));

/**
 * One item for the kept tenant (its API key is shown once, at creation, and the API cannot delete
 * tenants, so runs share one instead of leaving one behind each). One partition per run: the run item holds the throwaway endpoints' signing secrets (for the
 * receiver to verify with), delivery items what the receiver got. Every item carries a TTL so a run
 * that dies before its cleanup leaves nothing for long.
 */
export class DynamoCanaryRecords implements CanaryRecords {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async putRun(runId: string, secrets: Readonly<Record<CanaryPath, string>>): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: CANARY_KEYS.run(runId), sk: CANARY_KEYS.runItem, secrets, expiresAt: this.expiry() },
      }),
    );
  }

  async keptTenant(): Promise<CanaryTenant | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: CANARY_KEYS.tenant, sk: CANARY_KEYS.tenant },
        ConsistentRead: true,
      }),
    );
    return typeof Item?.tenantId === 'string' && typeof Item.apiKey === 'string'
      ? { tenantId: Item.tenantId, apiKey: Item.apiKey }
      : null;
  }

  async keepTenant(tenant: CanaryTenant): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: CANARY_KEYS.tenant,
          sk: CANARY_KEYS.tenant,
          tenantId: tenant.tenantId,
          apiKey: tenant.apiKey,
        },
      }),
    );
  }

  /** The signing secret of one path of a run; null for an unknown run or path. */
  async secretOf(runId: string, path: string): Promise<string | null> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: CANARY_KEYS.run(runId), sk: CANARY_KEYS.runItem },
        ConsistentRead: true,
      }),
    );
    const secret = (Item?.secrets as Record<string, unknown> | undefined)?.[path];
    return typeof secret === 'string' ? secret : null;
  }

  async recordDelivery(runId: string, delivery: CanaryDelivery): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: CANARY_KEYS.run(runId),
          sk: `${CANARY_KEYS.deliveryPrefix}${delivery.path}#${String(delivery.receivedAt).padStart(15, '0')}#${delivery.webhookId ?? '-'}`,
          ...delivery,
          expiresAt: this.expiry(),
        },
      }),
    );
  }

  async deliveries(runId: string): Promise<CanaryDelivery[]> {
    const items = await this.query(runId, CANARY_KEYS.deliveryPrefix);
    return items
      .filter((item) => PATHS.has(String(item.path)))
      .map((item) => ({
        path: item.path as CanaryPath,
        receivedAt: Number(item.receivedAt),
        signatureValid: item.signatureValid === true,
        webhookId: typeof item.webhookId === 'string' ? item.webhookId : null,
        reason: typeof item.reason === 'string' ? item.reason : null,
      }));
  }

  async deleteRun(runId: string): Promise<void> {
    for (const item of await this.query(runId)) {
      await this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: { pk: item.pk, sk: item.sk } }),
      );
    }
  }

  private async query(runId: string, prefix?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: prefix ? 'pk = :pk and begins_with(sk, :prefix)' : 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': CANARY_KEYS.run(runId),
            ...(prefix ? { ':prefix': prefix } : {}),
          },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private expiry(): number {
    return Math.floor(this.now() / 1000) + SMOKE_DEFAULTS.recordTtlSeconds;
  }
}
