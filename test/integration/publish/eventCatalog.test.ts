import { afterAll, describe, expect, it } from 'vitest';
import { findSchemaViolation } from '../../../functions/core/catalog/findSchemaViolation.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { hasWebhookId, webhooksBeforeMarker } from '../../support/webhooksBeforeMarker.ts';

const harness = useTestRuntime();
const receivers: TestReceiver[] = [];

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});

interface CatalogEntry {
  type: string;
  source: string;
  version: number | null;
  schema: Record<string, unknown> | null;
  sourceTable: string | null;
  example: Record<string, unknown>;
}

async function catalogEntry(type: string, token = TEST_ADMIN_TOKEN): Promise<CatalogEntry | undefined> {
  const res = await harness.api.call('GET', '/v1/event-types', token);
  expect(res.status).toBe(200);
  return (res.json.items as CatalogEntry[]).find((t) => t.type === type);
}

const NUMBER_OR_SPECIAL = [{ type: 'number' }, { type: 'string', enum: ['NaN', 'Infinity', '-Infinity'] }];

describe('the event catalog', () => {
  it("derives a tracked table's data schema from its columns, honouring exclude_columns", async () => {
    const db = harness.database.db;
    await db.query(`create type shipment_state as enum ('packed', 'shipped')`);
    await db.query(`create table shipments (
      id bigint primary key, tenant_id text not null, count int, weight numeric not null, ratio float8,
      sent_at timestamptz, ref uuid not null, urgent boolean not null, doc jsonb, tags text[] not null,
      state shipment_state not null, note text, secret text)`);
    await db.query(`select rowhook.track_table('shipments', 'tenant_id', exclude_columns => '{secret}')`);
    const entry = await catalogEntry('shipments.created');
    expect(entry).toMatchObject({ source: 'table', version: 1, sourceTable: 'shipments' });
    expect(entry?.schema).toEqual({
      type: 'object',
      additionalProperties: false,
      required: [
        'id',
        'tenant_id',
        'count',
        'weight',
        'ratio',
        'sent_at',
        'ref',
        'urgent',
        'doc',
        'tags',
        'state',
        'note',
      ],
      properties: {
        id: { type: 'integer' },
        tenant_id: { type: 'string' },
        count: { type: ['integer', 'null'] },
        weight: { anyOf: NUMBER_OR_SPECIAL },
        ratio: { anyOf: [...NUMBER_OR_SPECIAL, { type: 'null' }] },
        sent_at: { type: ['string', 'null'], format: 'date-time' },
        ref: { type: 'string', format: 'uuid' },
        urgent: { type: 'boolean' },
        doc: {},
        tags: { type: 'array', items: { type: ['string', 'null'] } },
        state: { type: 'string', enum: ['packed', 'shipped'] },
        note: { type: ['string', 'null'] },
      },
    });
    expect((await catalogEntry('shipments.updated'))?.schema).toEqual(entry?.schema);
    expect((await catalogEntry('shipments.deleted'))?.schema).toEqual(entry?.schema);
    // The example body fits the schema it was made from.
    expect(findSchemaViolation(entry?.schema, entry?.example.data, 'data')).toBeNull();
  });

  it('matches what the capture actually sends, NaN and NULLs included', async () => {
    const tenant = await harness.api.createTenant('catalog-bodies');
    const receiver = await new TestReceiver().start();
    receivers.push(receiver);
    await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
    const db = harness.database.db;
    await db.query(`create table readings (id bigint primary key, tenant_id text not null, value numeric,
      exact numeric(40,20) not null, f real, at timestamptz not null, day date, tags int[], meta jsonb, code uuid)`);
    await db.query(`select rowhook.track_table('readings', 'tenant_id')`);
    await db.query(
      `insert into readings values
         (1, $1, 'NaN', 12345678901234567890.12345678901234567890, '-Infinity', now(), '2026-02-28', '{1,null}', '[1]', gen_random_uuid()),
         (2, $1, null, 0, null, '2026-01-31 23:59:59.123456+05:30', null, null, null, null)`,
      [tenant.id],
    );
    await db.query(`update readings set value = 2.5 where id = 1`);
    const marker = await harness.api.call('POST', '/v1/events', tenant.apiKey, {
      type: 'test.marker',
      data: {},
    });
    const [received] = await webhooksBeforeMarker(db, [receiver], hasWebhookId(marker.json.id));
    expect(received).toHaveLength(3);
    for (const webhook of received ?? []) {
      const body = JSON.parse(webhook.body) as { type: string; data: unknown };
      const entry = await catalogEntry(body.type);
      expect(findSchemaViolation(entry?.schema, body.data, 'data')).toBeNull();
    }
  });

  it('bumps the version when a column is added or the include/exclude lists change, keeping the history', async () => {
    const db = harness.database.db;
    await db.query(`create table parcels (id bigint primary key, tenant_id text not null, weight int)`);
    await db.query(`select rowhook.track_table('parcels', 'tenant_id')`);
    expect((await catalogEntry('parcels.created'))?.version).toBe(1);
    // Reading again without a change records nothing new.
    expect((await catalogEntry('parcels.created'))?.version).toBe(1);
    await db.query(`alter table parcels add column carrier text not null default 'ups'`);
    const afterAdd = await catalogEntry('parcels.created');
    expect(afterAdd?.version).toBe(2);
    expect(afterAdd?.schema?.properties).toMatchObject({ carrier: { type: 'string' } });
    await db.query(`select rowhook.track_table('parcels', 'tenant_id', exclude_columns => '{weight}')`);
    const afterExclude = await catalogEntry('parcels.created');
    expect(afterExclude?.version).toBe(3);
    expect(Object.keys(afterExclude?.schema?.properties as object)).not.toContain('weight');

    const detail = await harness.api.call('GET', '/v1/event-types/parcels.created', TEST_ADMIN_TOKEN);
    expect(detail.status).toBe(200);
    expect(detail.json.versions.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(Object.keys(detail.json.versions[2].schema.properties)).not.toContain('carrier');

    // /openapi.json lists it under webhooks with the current schema inside the envelope.
    const document = await harness.api.call('GET', '/openapi.json', '');
    const webhook = document.json.webhooks['parcels.created'].post;
    const body = webhook.requestBody.content['application/json'].schema;
    expect(body.properties.type).toEqual({ const: 'parcels.created' });
    expect(body.properties.data).toEqual(afterExclude?.schema);
    expect(body['x-rowhook-schema-version']).toBe(3);
    expect(
      document.json.webhooks['parcels.updated'].post.requestBody.content['application/json'].schema
        .properties,
    ).toHaveProperty('previous');
    // Untracked, its types leave the catalog.
    await db.query(`select rowhook.untrack_table('parcels')`);
    expect(await catalogEntry('parcels.created')).toBeUndefined();
  });

  it('registers a published type schema (operators only) and publish rejects data that does not fit', async () => {
    const tenant = await harness.api.createTenant('catalog-publish');
    const schema = {
      type: 'object',
      required: ['email'],
      properties: {
        email: { type: 'string' },
        seats: { type: 'integer' },
        at: { type: 'string', format: 'date-time' },
      },
    };
    const byTenant = await harness.api.call('PUT', '/v1/event-types/user.invited', tenant.apiKey, { schema });
    expect(byTenant.status).toBe(403);
    const put = await harness.api.call('PUT', '/v1/event-types/user.invited', TEST_ADMIN_TOKEN, { schema });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ type: 'user.invited', source: 'published', version: 1, schema });
    // Same schema again: same version. A changed one: a new version.
    const again = await harness.api.call('PUT', '/v1/event-types/user.invited', TEST_ADMIN_TOKEN, { schema });
    expect(again.json.version).toBe(1);

    const publish = (data: unknown) =>
      harness.api.call('POST', '/v1/events', tenant.apiKey, { type: 'user.invited', data });
    const missing = await publish({ seats: 2 });
    expect(missing.status).toBe(422);
    expect(missing.json.error).toEqual({
      code: 'schema_mismatch',
      message:
        'data does not match the schema registered for "user.invited" (version 1): data.email: is required',
    });
    const wrongType = await publish({ email: 'a@b.c', seats: 2.5 });
    expect(wrongType.status).toBe(422);
    expect(wrongType.json.error.message).toMatch(/data\.seats: expected integer, got number/);
    expect((await publish({ email: 'a@b.c', seats: 2, at: '2026-01-31T12:00:00Z' })).status).toBe(202);
    // The SQL path applies the same schema.
    await expect(
      harness.database.db.query(`select rowhook.publish($1, 'user.invited', '{"seats": 1}')`, [tenant.id]),
    ).rejects.toThrow(/data\.email: is required/);
    // Every tenant sees a registered type in its catalog, with an example body that fits.
    const entry = await catalogEntry('user.invited', tenant.apiKey);
    expect(entry?.example).toMatchObject({ type: 'user.invited', data: { email: 'email', seats: 1 } });
    expect(findSchemaViolation(schema, entry?.example.data, 'data')).toBeNull();
  });

  it('refuses schemas outside the supported subset and schemas for tracked types', async () => {
    await harness.database.db.query(`create table notes (id int primary key, tenant_id text not null)`);
    await harness.database.db.query(`select rowhook.track_table('notes', 'tenant_id')`);
    const put = (type: string, body: unknown) =>
      harness.api.call('PUT', `/v1/event-types/${type}`, TEST_ADMIN_TOKEN, body);
    const cases: [string, unknown, RegExp][] = [
      ['a.b', { schema: { type: 'object', pattern: 'x' } }, /schema\.pattern: unsupported keyword/],
      [
        'a.b',
        { schema: { properties: { x: { type: 'text' } } } },
        /schema\.properties\.x\.type: "text" is not one of/,
      ],
      ['a.b', { schema: { type: 'string', format: 'email' } }, /schema\.format: "email" is not one of/],
      ['a.b', { schema: [] }, /schema: must be a JSON Schema object/],
      [
        'notes.created',
        { schema: { type: 'object' } },
        /reserved for the notes.created events of tracked table/,
      ],
      ['bad type', { schema: { type: 'object' } }, /may contain only letters/],
    ];
    for (const [type, body, message] of cases) {
      const res = await put(encodeURIComponent(type), body);
      expect({ type, status: res.status }).toEqual({ type, status: 400 });
      expect(res.json.error.message).toMatch(message);
    }
  });
});
