import type { Endpoint } from '../../../functions/core/subscriptions/Endpoint.ts';
import type { ClaimedDelivery } from '../../../functions/ports/DeliveryQueue.ts';

/** The pipeline unit tests' clock, claimed delivery and endpoint. */
export const now = new Date('2026-11-28T10:00:00.000Z');

export const delivery: ClaimedDelivery = {
  id: '01937a4c-0000-7000-8000-000000000001',
  eventId: '01937a4c-9b2e-7c3d-8f1a-2b3c4d5e6f70',
  endpointId: 'ep_1',
  tenantId: 'acme',
  eventType: 'orders.created',
  body: '{"type":"orders.created","data":{"id": 9007199254740993}}',
  attempt: 1,
  receipt: 'r1',
};

export const endpoint: Endpoint = {
  id: 'ep_1',
  tenantId: 'acme',
  url: 'https://receiver.example/hooks',
  description: '',
  eventTypes: null,
  filter: null,
  enabled: true,
  disabledReason: null,
  createdAt: now,
  updatedAt: now,
};
