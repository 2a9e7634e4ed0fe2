import type { DynamoDBRecord } from 'aws-lambda';
import type { Endpoint } from '../../../core/subscriptions/Endpoint.ts';
import { isEndpointItem, toEndpoint } from './subscriptionItems.ts';
import { unmarshallImage } from './unmarshallImage.ts';

/** One change of an endpoint as the subscriptions table's stream tells it. */
export interface EndpointChange {
  /** undefined: the item is new, or no endpoint. */
  before: Endpoint | undefined;
  /** undefined: the item was removed, or is no endpoint. */
  after: Endpoint | undefined;
}

/**
 * A stream record's old and new images through the table's own item mapper (toEndpoint), so the
 * sync reads the same typed Endpoint the stores return. Items that are not endpoints (tenants,
 * keys, health...) come back as neither.
 */
export function endpointChangeOf(record: DynamoDBRecord): EndpointChange {
  return {
    before: endpointOf(record.dynamodb?.OldImage),
    after: record.eventName === 'REMOVE' ? undefined : endpointOf(record.dynamodb?.NewImage),
  };
}

function endpointOf(image: Parameters<typeof unmarshallImage>[0]): Endpoint | undefined {
  const item = unmarshallImage(image);
  return isEndpointItem(item) ? toEndpoint(item) : undefined;
}
