import { describe, expect, it } from 'vitest';
import type { EventType } from '../../../functions/core/catalog/EventType.ts';
import { exampleBody } from '../../../functions/core/catalog/exampleBody.ts';
import { findSchemaViolation } from '../../../functions/core/catalog/findSchemaViolation.ts';
import { webhookBodySchema } from '../../../functions/core/catalog/webhookBodySchema.ts';

const ORDERS: EventType = {
  type: 'orders.updated',
  source: 'table',
  version: 4,
  sourceTable: 'orders',
  updatedAt: null,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'total', 'state', 'placed_at', 'tags', 'ref', 'doc'],
    properties: {
      id: { type: 'integer' },
      total: { anyOf: [{ type: 'number' }, { type: 'string', enum: ['NaN'] }, { type: 'null' }] },
      state: { type: ['string', 'null'], enum: ['open', 'paid', null] },
      placed_at: { type: 'string', format: 'date-time' },
      tags: { type: 'array', items: { type: ['string', 'null'] } },
      ref: { type: 'string', format: 'uuid' },
      doc: {},
    },
  },
};

describe('example bodies and webhook body schemas', () => {
  it("makes an example whose data fits the type's schema, with previous for a table's updates", () => {
    const body = exampleBody(ORDERS);
    expect(body).toMatchObject({ type: 'orders.updated', data: { id: 1, state: 'open', tags: ['tags'] } });
    expect(findSchemaViolation(ORDERS.schema, body.data, 'data')).toBeNull();
    expect(findSchemaViolation(webhookBodySchema(ORDERS), body, 'body')).toBeNull();
    expect(body.previous).toEqual({ id: 1 });
  });

  it('wraps data in the envelope, with the version, and previous only for updates of tables', () => {
    const schema = webhookBodySchema(ORDERS);
    expect(schema).toMatchObject({
      required: ['type', 'timestamp', 'data'],
      properties: { type: { const: 'orders.updated' }, data: ORDERS.schema },
      'x-rowhook-schema-version': 4,
    });
    expect(schema.properties).toHaveProperty('previous');
    const created = webhookBodySchema({ ...ORDERS, type: 'orders.created' });
    expect(created.properties).not.toHaveProperty('previous');
    const published = webhookBodySchema({
      ...ORDERS,
      type: 'x.updated',
      source: 'published',
      schema: null,
      version: null,
    });
    expect(published).not.toHaveProperty('x-rowhook-schema-version');
    expect((published.properties as Record<string, unknown>).data).toEqual({ type: 'object' });
    expect(exampleBody({ ...ORDERS, source: 'published', schema: null }).data).toEqual({});
  });
});
