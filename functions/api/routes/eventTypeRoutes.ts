import { checkSchemaSubset } from '../../core/catalog/checkSchemaSubset.ts';
import type { EventType } from '../../core/catalog/EventType.ts';
import { EventRejectedError } from '../../core/catalog/errors.ts';
import { exampleBody } from '../../core/catalog/exampleBody.ts';
import type { ApiDependencies } from '../ApiDependencies.ts';
import { ApiError } from '../errors.ts';
import type { ApiRouter } from '../registry/ApiRouter.ts';
import { page } from '../responseSchemas.ts';
import { eventTypeDetailSchema, eventTypeSchema, registerSchemaBody } from './eventTypeSchemas.ts';

const TAG = 'Event types';
const TYPE_PARAM = { type: 'The event type, e.g. orders.created' };

const present = (eventType: EventType) => ({
  type: eventType.type,
  source: eventType.source,
  version: eventType.version,
  schema: eventType.schema,
  sourceTable: eventType.sourceTable,
  updatedAt: eventType.updatedAt?.toISOString() ?? null,
  example: exampleBody(eventType),
});

/** The event catalog: every type with its data schema; operators register published types' schemas. */
export function eventTypeRoutes(router: ApiRouter, deps: ApiDependencies) {
  const catalog = () => {
    if (!deps.events)
      throw new ApiError(404, 'not_available', 'the event catalog is not available on this deployment');
    return deps.events;
  };
  const find = async (tenantId: string | null, type: string) => {
    const found = (await catalog().list(tenantId)).find((t) => t.type === type);
    if (!found) throw new ApiError(404, 'not_found', `event type "${type}" not found`);
    return found;
  };

  router.add(
    {
      method: 'get',
      path: '/v1/event-types',
      tag: TAG,
      summary: 'Every event type with the JSON Schema of its data and an example body',
      description:
        "Tracked tables' <prefix>.created/.updated/.deleted (schemas derived from the columns, honouring " +
        'include/exclude lists, versioned when they change) and published types (with a registered schema, or ' +
        'the ones this tenant published). Also listed under `webhooks` in /openapi.json.',
      auth: 'either',
      responses: { 200: { description: 'The catalog, by type', schema: page(eventTypeSchema) } },
    },
    async (c) => {
      const types = await catalog().list((c.get('tenantId') as string | undefined) ?? null);
      return c.json({ items: types.map(present), nextCursor: null });
    },
  );

  router.add(
    {
      method: 'get',
      path: '/v1/event-types/:type',
      tag: TAG,
      summary: 'One event type with every recorded version of its schema, newest first',
      auth: 'either',
      params: TYPE_PARAM,
      responses: { 200: { description: 'The type', schema: eventTypeDetailSchema } },
    },
    async (c, { params }) => {
      const type = params.type as string;
      const found = await find((c.get('tenantId') as string | undefined) ?? null, type);
      const versions = await catalog().versions(type);
      return c.json({
        ...present(found),
        versions: versions.map((v) => ({
          version: v.version,
          schema: v.schema,
          createdAt: v.createdAt.toISOString(),
        })),
      });
    },
  );

  router.add(
    {
      method: 'put',
      path: '/v1/event-types/:type',
      tag: TAG,
      summary:
        "Register the JSON Schema of a published type's data; publish then rejects data that does not fit",
      description:
        'A changed schema becomes a new version (the same schema again changes nothing). Not for tracked ' +
        "tables' types: theirs come from the columns.",
      auth: 'admin',
      params: TYPE_PARAM,
      body: registerSchemaBody,
      responses: { 200: { description: 'The type as registered', schema: eventTypeSchema } },
    },
    async (c, { params, body }) => {
      const type = params.type as string;
      const problem = checkSchemaSubset(body.schema);
      if (problem) throw new ApiError(400, 'invalid_schema', problem);
      try {
        await catalog().register(type, body.schema);
      } catch (error) {
        if (error instanceof EventRejectedError) throw new ApiError(400, error.code, error.message);
        throw error;
      }
      return c.json(present(await find(null, type)));
    },
  );
}
