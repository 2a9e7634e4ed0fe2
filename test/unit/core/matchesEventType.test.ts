import { describe, expect, it } from 'vitest';
import { matchesEventType } from '../../../functions/core/subscriptions/matchesEventType.ts';

describe('matchesEventType', () => {
  it.each([
    [null, 'orders.created', true],
    [['orders.created'], 'orders.created', true],
    [['orders.created'], 'orders.updated', false],
    [['orders.*'], 'orders.updated', true],
    [['orders.*'], 'orders.line.updated', true],
    [['orders.*'], 'ordersx.created', false],
    [['orders.*'], 'orders', false],
    [['invoices.created', 'orders.deleted'], 'orders.deleted', true],
    [[], 'orders.created', false],
  ] as const)('%j receives %s: %s', (types, type, expected) => {
    expect(matchesEventType(types, type)).toBe(expected);
  });
});
