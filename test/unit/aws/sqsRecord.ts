import type { SQSRecord } from 'aws-lambda';

/** An SQS record as the deliver Lambda's event source hands it over; an object body is sent as JSON. */
export function sqsRecord(messageId: string, body: string | object): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {} as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:1:deliveries',
    awsRegion: 'eu-west-1',
  };
}
