import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSchemaViolation } from '../../../functions/core/catalog/findSchemaViolation.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const ORDER = {
  type: 'object',
  required: ['id', 'lines'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer' },
    note: { type: ['string', 'null'] },
    status: { enum: ['open', 'paid', null] },
    lines: {
      type: 'array',
      items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } },
    },
    at: { type: 'string', format: 'date-time' },
    day: { type: 'string', format: 'date' },
    ref: { type: 'string', format: 'uuid' },
    amount: { anyOf: [{ type: 'number' }, { type: 'string', enum: ['NaN'] }] },
    meta: {},
  },
};

// [what, value, the violation both validators must report (null: fits)]
const CASES: [string, unknown, string | null][] = [
  [
    'a fitting order',
    { id: 1, lines: [{ sku: 'a' }], note: null, status: null, amount: 'NaN', meta: [1] },
    null,
  ],
  ['1.0 is an integer', { id: 1.0, lines: [] }, null],
  ['a missing required property', { lines: [] }, 'data.id: is required'],
  ['a fraction for an integer', { id: 1.5, lines: [] }, 'data.id: expected integer, got number'],
  ['a string for an integer', { id: '1', lines: [] }, 'data.id: expected integer, got string'],
  ['null where not allowed', { id: null, lines: [] }, 'data.id: expected integer, got null'],
  [
    'a value outside the enum',
    { id: 1, lines: [], status: 'void' },
    'data.status: must be one of "open", "paid", null',
  ],
  ['an unknown property', { id: 1, lines: [], extra: true }, 'data.extra: is not an allowed property'],
  [
    'a bad array item',
    { id: 1, lines: [{ sku: 'a' }, { sku: 2 }] },
    'data.lines[1].sku: expected string, got number',
  ],
  ['an item missing a property', { id: 1, lines: [{}] }, 'data.lines[0].sku: is required'],
  ['an array where an object goes', { id: 1, lines: {} }, 'data.lines: expected array, got object'],
  ['a date-time with an offset', { id: 1, lines: [], at: '2026-12-31T23:59:60.123+14:00' }, null],
  [
    'a date-time without an offset',
    { id: 1, lines: [], at: '2026-01-31T12:00:00' },
    'data.at: must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z',
  ],
  [
    'February 29 of a common year',
    { id: 1, lines: [], at: '2026-02-29T00:00:00Z' },
    'data.at: must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z',
  ],
  [
    'hour 24',
    { id: 1, lines: [], at: '2026-01-31T24:00:00Z' },
    'data.at: must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z',
  ],
  ['February 29 of a leap year', { id: 1, lines: [], day: '2028-02-29' }, null],
  ['month 13', { id: 1, lines: [], day: '2026-13-01' }, 'data.day: must be a date such as 2026-01-31'],
  [
    'a date that is not one',
    { id: 1, lines: [], day: 'tomorrow' },
    'data.day: must be a date such as 2026-01-31',
  ],
  ['a UUID', { id: 1, lines: [], ref: '0193A4C9-B2E7-7C3D-8F1A-2B3C4D5E6F70' }, null],
  ['not a UUID', { id: 1, lines: [], ref: '0193a4c9' }, 'data.ref: must be a UUID'],
  [
    'no anyOf branch fits',
    { id: 1, lines: [], amount: 'Infinity' },
    'data.amount: matches none of the allowed shapes',
  ],
  [
    'the first failure in key order',
    { id: 1, lines: [], zeta: 1, alpha: 2 },
    'data.alpha: is not an allowed property',
  ],
];

describe('the two schema validators (HTTP: findSchemaViolation, SQL: rowhook.schema_violation)', () => {
  it.each(CASES)('agree on %s', async (_what, value, expected) => {
    expect(findSchemaViolation(ORDER, value, 'data')).toBe(expected);
    const [row] = await database.db.query<{ violation: string | null }>(
      `select rowhook.schema_violation($1::jsonb, $2::jsonb, 'data') as violation`,
      [JSON.stringify(ORDER), JSON.stringify(value)],
    );
    expect(row?.violation).toBe(expected);
  });
});
