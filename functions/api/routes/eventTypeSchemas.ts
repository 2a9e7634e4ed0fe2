import { z } from 'zod';

const time = z.string().meta({ format: 'date-time' });
const jsonSchema = z.record(z.string(), z.unknown()).meta({ description: 'A JSON Schema (2020-12)' });

export const eventTypeSchema = z.object({
  type: z.string(),
  source: z.enum(['table', 'published']).meta({
    description:
      "table: a tracked table's row changes (schema derived from its columns); published: rowhook.publish",
  }),
  version: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Increments when the schema changes; null for a published type with no schema' }),
  schema: jsonSchema.nullable().meta({ description: "JSON Schema of the webhook's data; null: any object" }),
  sourceTable: z.string().nullable(),
  updatedAt: time.nullable().meta({ description: 'When this version was recorded' }),
  example: z.record(z.string(), z.unknown()).meta({ description: 'An example webhook body of this type' }),
});

export const eventTypeDetailSchema = eventTypeSchema.extend({
  versions: z.array(z.object({ version: z.number().int(), schema: jsonSchema, createdAt: time })),
});

export const registerSchemaBody = z.strictObject({
  schema: z.record(z.string(), z.unknown(), { error: 'must be a JSON Schema object' }).meta({
    description:
      'JSON Schema of data, within: type, properties, required, additionalProperties, items, enum, anyOf, ' +
      'format (date-time, date, uuid), title, description',
  }),
});
