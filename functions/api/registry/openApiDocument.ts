import { z } from 'zod';
import type { RouteSpec } from './RouteSpec.ts';

export const OPENAPI_INFO = {
  title: 'Rowhook API',
  version: '1.0.0',
  description:
    'Tenants manage their webhook endpoints and read their delivery log with a tenant API key (rk_...); ' +
    'operators manage tenants and dead letters with the admin token. Errors are {"error":{"code","message"}}.',
} as const;

const errorSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: 'Stable machine-readable code, e.g. invalid_query, not_found' }),
    message: z.string().meta({ description: 'What is wrong and how to fix it' }),
  }),
});

const SECURITY = {
  admin: [{ adminToken: [] }],
  tenant: [{ tenantKey: [] }],
  either: [{ adminToken: [] }, { tenantKey: [] }],
  none: [],
} as const;

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses), without the `$schema` key an embedded schema must not repeat. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;
  return rest;
}

/** `/v1/things/:id` → `/v1/things/{id}`. */
export const openApiPath = (honoPath: string) => honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const pathParams = (honoPath: string) =>
  [...honoPath.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);

function parameters(spec: RouteSpec) {
  const params: JsonSchema[] = pathParams(spec.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    description: spec.params?.[name],
    schema: { type: 'string' },
  }));
  if (spec.query) {
    const query = jsonSchema(spec.query, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(query.properties ?? {})) {
      const { description, ...rest } = schema;
      params.push({
        name,
        in: 'query',
        required: query.required?.includes(name) ?? false,
        ...(typeof description === 'string' ? { description } : {}),
        schema: rest,
      });
    }
  }
  return params;
}

function errorResponses(spec: RouteSpec): Record<string, JsonSchema> {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  const responses: Record<string, JsonSchema> = {};
  if (spec.query || spec.body) responses['400'] = error('Invalid input: the message names the field');
  if (spec.auth !== 'none') responses['401'] = error('Missing or invalid credentials');
  if (spec.auth === 'admin') responses['403'] = error('A tenant API key on an operator route');
  if (pathParams(spec.path).length > 0) responses['404'] = error('Not found (or not yours)');
  if (spec.body) responses['415'] = error('The body is not sent as application/json');
  return responses;
}

function operation(spec: RouteSpec) {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const contentType = response.contentType ?? 'application/json';
    responses[status] = {
      description: response.description,
      ...(response.schema
        ? { content: { [contentType]: { schema: jsonSchema(response.schema, 'output') } } }
        : response.contentType
          ? { content: { [contentType]: {} } }
          : {}),
    };
  }
  Object.assign(responses, errorResponses(spec));
  const params = parameters(spec);
  return {
    operationId: `${spec.method}${openApiPath(spec.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c?: string) => (c ?? '').toUpperCase())}`,
    tags: [spec.tag],
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    security: SECURITY[spec.auth],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.bodyOptional !== true,
            content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of these routes, built from the same schemas that validate them. */
export function openApiDocument(specs: readonly RouteSpec[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = openApiPath(spec.path);
    paths[path] ??= {};
    paths[path][spec.method] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info: OPENAPI_INFO,
    paths,
    components: {
      schemas: { Error: jsonSchema(errorSchema, 'output') },
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The operator admin token (.rowhook/admin-token locally)',
        },
        tenantKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A tenant API key (rk_...), shown once when the tenant is created',
        },
      },
    },
  };
}
