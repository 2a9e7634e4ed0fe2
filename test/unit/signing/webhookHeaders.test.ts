import { describe, expect, it } from 'vitest';
import { webhookHeaders } from '../../../functions/core/signing/webhookHeaders.ts';

describe('webhookHeaders', () => {
  it('returns exactly the three Standard Webhooks headers with the timestamp as a string', () => {
    expect(
      webhookHeaders({ id: 'msg_1', timestamp: 1614265330, signature: 'v1,abc= v1,def=' }),
    ).toStrictEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,abc= v1,def=',
    });
  });

  it('adds webhook-sequence when the delivery has a number, as a string', () => {
    expect(
      webhookHeaders({ id: 'msg_1', timestamp: 1614265330, signature: 'v1,abc=', sequence: 42 }),
    ).toStrictEqual({
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,abc=',
      'webhook-sequence': '42',
    });
  });
});
