import { ExecuteStatementCommand, type RDSDataClient } from '@aws-sdk/client-rds-data';
import type { NewDelivery } from '../../ports/DeliveryQueue.ts';
import type { DeliverySequences } from '../../ports/DeliverySequences.ts';
import { AwsAdapterError, toAwsError } from './errors.ts';

export interface DeliverySequencesTarget {
  resourceArn: string;
  /** The master secret: numbering is the relay's, across tenants. */
  secretArn: string;
  database: string;
}

/**
 * Numbers deliveries in Aurora over the Data API with rowhook.assign_delivery_sequences (migration
 * 0021). One ExecuteStatement WITHOUT a transaction id: the Data API runs it in a transaction of its
 * own and commits it before answering, so the numbers are final before the relay publishes, even
 * though the relay's outbox transaction is still open (and may yet roll back: the numbers stay, and
 * the retry reads them back).
 */
export class RdsDataDeliverySequences implements DeliverySequences {
  constructor(
    private readonly client: RDSDataClient,
    private readonly target: DeliverySequencesTarget,
  ) {}

  async assign(
    deliveries: readonly Pick<NewDelivery, 'eventId' | 'endpointId' | 'tenantId'>[],
  ): Promise<Map<string, number>> {
    if (deliveries.length === 0) return new Map();
    const pairs = deliveries.map((d) => ({
      event_id: d.eventId,
      endpoint_id: d.endpointId,
      tenant_id: d.tenantId,
    }));
    let records: { event_id: string; endpoint_id: string; sequence: number }[];
    try {
      const response = await this.client.send(
        new ExecuteStatementCommand({
          ...this.target,
          sql: `select event_id::text as event_id, endpoint_id, sequence
                  from rowhook.assign_delivery_sequences(cast(:pairs as json))`,
          parameters: [{ name: 'pairs', typeHint: 'JSON', value: { stringValue: JSON.stringify(pairs) } }],
          formatRecordsAs: 'JSON',
        }),
      );
      records = response.formattedRecords ? JSON.parse(response.formattedRecords) : [];
    } catch (error) {
      throw toAwsError(error, 'numbering deliveries through the RDS Data API');
    }
    const numbers = new Map<string, number>();
    for (const r of records) numbers.set(`${r.event_id}/${r.endpoint_id}`, Number(r.sequence));
    const missing = deliveries.find((d) => !numbers.has(`${d.eventId}/${d.endpointId}`));
    if (missing)
      throw new AwsAdapterError(
        `numbering returned no sequence for event ${missing.eventId}, endpoint ${missing.endpointId}`,
        { retryable: true },
      );
    return numbers;
  }
}
