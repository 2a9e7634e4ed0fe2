import type { Database } from '../../functions/adapters/pg/Database.ts';
import { fromPublicId } from '../../functions/core/ids/prefixedId.ts';
import type { ReceivedWebhook, TestReceiver } from './TestReceiver.ts';
import { type DrainOptions, waitForPipelineDrained } from './waitForPipelineDrained.ts';

/** The marker test: a webhook of the event with this `webhook-id` (e.g. a test event's `eventId`). */
export const hasWebhookId =
  (webhookId: string) =>
  (webhook: ReceivedWebhook): boolean =>
    webhook.headers['webhook-id'] === webhookId;

/** The marker test for a tracked row: its `data` has this `name`. */
export const isRowNamed =
  (name: string) =>
  (webhook: ReceivedWebhook): boolean =>
    (JSON.parse(webhook.body) as { data?: { name?: unknown } }).data?.name === name;

/**
 * What "nothing else arrived" is checked against, instead of a fixed sleep. The test writes a
 * marker event last (a committed transaction of its own, routed to every receiver given here);
 * this waits until each receiver has it and the pipeline has processed everything up to it, then
 * returns, per receiver, every webhook it got besides the marker. The marker itself must have
 * arrived exactly once at each.
 */
export async function webhooksBeforeMarker(
  db: Database,
  receivers: readonly TestReceiver[],
  isMarker: (webhook: ReceivedWebhook) => boolean,
  options: DrainOptions = {},
): Promise<ReceivedWebhook[][]> {
  await Promise.all(receivers.map((r) => r.waitFor(isMarker, 'the marker webhook')));
  const markerIds = new Set(
    receivers.map((r) => String(r.received.find(isMarker)?.headers['webhook-id'] ?? '')),
  );
  const [markerId] = markerIds;
  const eventId = markerIds.size === 1 && markerId ? fromPublicId('evt', markerId) : undefined;
  if (!eventId)
    throw new Error(`expected one marker event, got webhook-ids ${JSON.stringify([...markerIds])}`);
  await waitForPipelineDrained(db, eventId, options);
  return receivers.map((r) => {
    const markers = r.received.filter(isMarker).length;
    if (markers !== 1) throw new Error(`expected the marker once at ${r.url}, got it ${markers} times`);
    return r.received.filter((w) => !isMarker(w));
  });
}
