import { describe, expect, it } from 'vitest';
import { checkSchemaSubset } from '../../../functions/core/catalog/checkSchemaSubset.ts';

describe('checkSchemaSubset', () => {
  it('accepts the keywords both validators apply', () => {
    expect(
      checkSchemaSubset({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'Order',
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: {
          id: { type: 'integer', description: 'The order id' },
          tags: { type: 'array', items: { type: ['string', 'null'] } },
          state: { enum: ['open', 'paid'] },
          at: { type: 'string', format: 'date-time' },
          amount: { anyOf: [{ type: 'number' }, { type: 'null' }] },
        },
      }),
    ).toBeNull();
  });

  it.each([
    [[], 'schema: must be a JSON object (a JSON Schema)'],
    [{ minimum: 1 }, 'schema.minimum: unsupported keyword; use type, properties, required'],
    [{ type: [] }, 'schema.type: must name at least one type'],
    [{ type: 'float' }, 'schema.type: "float" is not one of object, array'],
    [{ properties: [] }, 'schema.properties: must be an object of schemas'],
    [{ properties: { a: { items: { type: 1 } } } }, 'schema.properties.a.items.type: 1 is not one of'],
    [{ required: [1] }, 'schema.required: must be an array of property names'],
    [{ additionalProperties: {} }, 'schema.additionalProperties: must be true or false'],
    [{ enum: [] }, 'schema.enum: must be a non-empty array of allowed values'],
    [{ anyOf: [{}, 'x'] }, 'schema.anyOf[1]: must be a JSON object'],
    [{ format: 'email' }, 'schema.format: "email" is not one of date-time, date, uuid'],
  ])('refuses %j, naming where', (schema, message) => {
    expect(checkSchemaSubset(schema)).toContain(message);
  });

  it('refuses a schema nested past the depth limit', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) schema = { items: schema };
    expect(checkSchemaSubset(schema)).toMatch(/nested deeper than 32 levels/);
  });
});
