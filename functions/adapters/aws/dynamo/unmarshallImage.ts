import type { AttributeValue } from 'aws-lambda';

/**
 * A DynamoDB stream image as plain values. Small on purpose: @aws-sdk/util-dynamodb is only a
 * transitive dependency here, and stream images of our items use nothing beyond these types.
 * Numbers become JS numbers (our items hold only small counts and limits as numbers).
 */
export function unmarshallImage(
  image: Record<string, AttributeValue> | undefined,
): Record<string, unknown> | undefined {
  if (!image) return undefined;
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toValue(value)]));
}

function toValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(toValue);
  if (value.M !== undefined) return unmarshallImage(value.M);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return [...value.BS];
  return undefined;
}
