import { describe, expect, it, vi } from 'vitest';
import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import { dedicatedDeliverySwitch, ENV, loadEnv } from '../../../functions/handlers/config.ts';
import { resolveTransports } from '../../../functions/handlers/wiring/publisher.ts';
import type { SubscriptionStore } from '../../../functions/ports/SubscriptionStore.ts';

// Issue 12 §2: dedicated delivery is opt-in until the canary has passed on a real deployment.
const activeEndpoint = {
  id: 'ep_1',
  dedicated: { apiDestinationArn: 'arn:dest', status: 'active', reason: null },
} as unknown as Endpoint;
const store = () =>
  ({ getEndpointsByIds: vi.fn(async () => [activeEndpoint]) }) as unknown as SubscriptionStore;

describe('ROWHOOK_DEDICATED_DELIVERY', () => {
  const read = (value?: string) =>
    loadEnv(
      { [ENV.dedicatedDelivery]: dedicatedDeliverySwitch },
      value === undefined ? {} : { [ENV.dedicatedDelivery]: value },
    )[ENV.dedicatedDelivery];

  it('is off unless set to on', () => {
    expect(read()).toBe(false);
    expect(read('off')).toBe(false);
    expect(read('on')).toBe(true);
    expect(() => read('yes')).toThrow(/ROWHOOK_DEDICATED_DELIVERY/);
  });

  it('off: even an endpoint whose API destination is active is routed pooled', async () => {
    expect(await resolveTransports(store(), false)(['ep_1'])).toEqual(new Map([['ep_1', 'pooled']]));
  });

  it('on: an active endpoint goes to its API destination', async () => {
    expect(await resolveTransports(store(), true)(['ep_1'])).toEqual(new Map([['ep_1', 'api-destination']]));
  });
});
