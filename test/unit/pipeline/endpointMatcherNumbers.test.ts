import { describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../functions/core/events/OutboxEvent.ts';
import { EndpointMatcher } from '../../../functions/pipeline/EndpointMatcher.ts';
import { endpoint, now } from './fixtures.ts';

function event(body: string): OutboxEvent {
  return {
    id: 'evt_1',
    tenantId: endpoint.tenantId,
    type: 'orders.created',
    body,
    occurredAt: now,
    targetEndpointId: null,
  };
}

// EventBridge compares a number literal with the digits the event was written with (event-ruler Event.java,
// JsonRuleCompiler.java); the relay must match the body's text, not a JSON.parse of it that rounds the digits.
describe('EndpointMatcher and numbers beyond double precision', () => {
  const filtered = { ...endpoint, eventTypes: ['orders.created'], filter: { data: { id: [2 ** 60] } } };

  it.each([
    [`${2n ** 60n}`, true],
    [`${2n ** 60n + 1n}`, false],
  ])("matches the body's digits: id %s → %s", (id, expected) => {
    const body = `{"type":"orders.created","data":{"id":${id}}}`;
    const matched = new EndpointMatcher().matches(filtered, event(body), () => JSON.parse(body));
    expect(matched).toBe(expected);
  });
});
