import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { useTestRuntime } from '../support/startTestRuntime.ts';
import { TestReceiver } from '../support/TestReceiver.ts';

const harness = useTestRuntime();

interface TypeCase {
  name: string;
  /** Column type of `v`. */
  type: string;
  /** SQL expression inserted into `v`. */
  value: string;
  /** Exact JSON text expected for `v` in the event body (jsonb's text form). */
  json: string;
}

// The capture serializes rows with to_jsonb: these pin down what a receiver gets for each type.
const CASES: TypeCase[] = [
  {
    name: 'numeric(60,20) at full precision',
    type: 'numeric(60,20)',
    value: `'1234567890123456789012345678901234567890.12345678901234567890'`,
    json: '1234567890123456789012345678901234567890.12345678901234567890',
  },
  {
    name: 'numeric(60,20) below 1e-19',
    type: 'numeric(60,20)',
    value: '1e-20',
    json: '0.00000000000000000001',
  },
  { name: 'numeric keeps its scale', type: 'numeric', value: `'1.10'`, json: '1.10' },
  { name: 'numeric NaN (a string: JSON has no NaN)', type: 'numeric', value: `'NaN'`, json: '"NaN"' },
  { name: 'numeric Infinity', type: 'numeric', value: `'-Infinity'`, json: '"-Infinity"' },
  { name: 'bigint max', type: 'bigint', value: '9223372036854775807', json: '9223372036854775807' },
  { name: 'bigint min', type: 'bigint', value: '-9223372036854775808', json: '-9223372036854775808' },
  { name: 'smallint min', type: 'smallint', value: '-32768', json: '-32768' },
  { name: 'double precision, shortest exact', type: 'float8', value: 'pi()', json: '3.141592653589793' },
  { name: 'real, shortest exact', type: 'real', value: '0.1', json: '0.1' },
  { name: 'double NaN', type: 'float8', value: `'NaN'`, json: '"NaN"' },
  { name: 'double -Infinity', type: 'float8', value: `'-Infinity'`, json: '"-Infinity"' },
  { name: 'bytea (hex string)', type: 'bytea', value: `'\\x00ff10'::bytea`, json: '"\\\\x00ff10"' },
  { name: 'empty bytea', type: 'bytea', value: `''::bytea`, json: '"\\\\x"' },
  {
    name: 'jsonb with empty, unicode, quoted and control-character keys',
    type: 'jsonb',
    value: `jsonb_build_object('', 1, 'é', 'ü', 'q"uote', '\\', E'\\u0001ctl', E'\\u001f', 'k', jsonb_build_array(1, null, '{"a": 1.10}'::jsonb))`,
    // jsonb orders keys by length, then bytes.
    json: '{"": 1, "k": [1, null, {"a": 1.10}], "é": "ü", "\\u0001ctl": "\\u001f", "q\\"uote": "\\\\"}',
  },
  {
    name: 'jsonb with a 300-character key',
    type: 'jsonb',
    value: `jsonb_build_object(repeat('k', 300), true)`,
    json: `{"${'k'.repeat(300)}": true}`,
  },
  { name: 'jsonb scalar string', type: 'jsonb', value: `'"str"'`, json: '"str"' },
  { name: 'jsonb null (not SQL NULL)', type: 'jsonb', value: `'null'`, json: 'null' },
  {
    name: 'jsonb big number',
    type: 'jsonb',
    value: `'{"n": 123456789012345678901234567890.000}'`,
    json: '{"n": 123456789012345678901234567890.000}',
  },
  {
    name: 'json is normalized like jsonb (last duplicate key wins)',
    type: 'json',
    value: `'{"b": 1, "a": 2, "a": 3}'`,
    json: '{"a": 3, "b": 1}',
  },
  { name: 'int[] with NULLs', type: 'int[]', value: `'{1,NULL,3}'`, json: '[1, null, 3]' },
  {
    name: 'two-dimensional text[] with NULLs',
    type: 'text[]',
    value: `'{{a,NULL},{"b c",d}}'`,
    json: '[["a", null], ["b c", "d"]]',
  },
  { name: 'empty array', type: 'int[]', value: `'{}'`, json: '[]' },
  {
    name: 'array with a lower bound other than 1 (bounds are not kept)',
    type: 'int[]',
    value: `'[0:2]={1,2,3}'`,
    json: '[1, 2, 3]',
  },
  { name: 'enum', type: 'mood', value: `'naïve "quoted"'`, json: '"naïve \\"quoted\\""' },
  {
    name: 'enum[] with NULL',
    type: 'mood[]',
    value: `'{ok,NULL,"sad face"}'`,
    json: '["ok", null, "sad face"]',
  },
  { name: 'domain over numeric(12,2)', type: 'positive_price', value: '12.5', json: '12.50' },
  {
    name: 'composite type',
    type: 'money_pair',
    value: `row(1e-20, 'x"y')::money_pair`,
    json: '{"label": "x\\"y", "amount": 0.00000000000000000001}',
  },
  {
    name: 'timestamptz (in the writing session’s time zone, UTC here)',
    type: 'timestamptz',
    value: `'2026-01-02 03:04:05.123456+00'`,
    json: '"2026-01-02T03:04:05.123456+00:00"',
  },
  { name: 'timestamptz infinity', type: 'timestamptz', value: `'infinity'`, json: '"infinity"' },
  {
    name: 'timestamp',
    type: 'timestamp',
    value: `'2026-01-02 03:04:05.123456'`,
    json: '"2026-01-02T03:04:05.123456"',
  },
  { name: 'date', type: 'date', value: `'2026-01-02'`, json: '"2026-01-02"' },
  { name: 'time', type: 'time', value: `'23:59:59.999999'`, json: '"23:59:59.999999"' },
  { name: 'timetz', type: 'timetz', value: `'12:00+05:30'`, json: '"12:00:00+05:30"' },
  {
    name: 'interval',
    type: 'interval',
    value: `'1 year 2 mons 3 days 04:05:06.789'`,
    json: '"1 year 2 mons 3 days 04:05:06.789"',
  },
  {
    name: 'uuid',
    type: 'uuid',
    value: `'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'`,
    json: '"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"',
  },
  { name: 'inet (IPv6 with prefix)', type: 'inet', value: `'2001:db8::1/64'`, json: '"2001:db8::1/64"' },
  { name: 'cidr', type: 'cidr', value: `'10.0.0.0/8'`, json: '"10.0.0.0/8"' },
  { name: 'macaddr', type: 'macaddr', value: `'08:00:2B:01:02:03'`, json: '"08:00:2b:01:02:03"' },
  { name: 'boolean', type: 'boolean', value: 'false', json: 'false' },
  {
    name: 'text with escapes, U+2028 and an emoji',
    type: 'text',
    value: `E'tab\\tnl\\n\\\\ \\u2028 \\U0001F600'`,
    json: '"tab\\tnl\\n\\\\ \u2028 😀"',
  },
  { name: 'char(5) keeps its padding', type: 'char(5)', value: `'ab'`, json: '"ab   "' },
  { name: 'bit varying', type: 'bit varying(8)', value: `B'1010'`, json: '"1010"' },
  { name: 'int4range', type: 'int4range', value: `'[1,5)'`, json: '"[1,5)"' },
  { name: 'SQL NULL', type: 'text', value: 'null', json: 'null' },
];

/** The body the capture writes: fixed envelope, then the row as jsonb text. */
function expectedBody(type: string, timestamp: string, data: string): string {
  return `{"type":${JSON.stringify(type)},"timestamp":"${timestamp}","data":${data}}`;
}

async function bodiesOf(table: string, options: { asSent?: boolean } = {}): Promise<string[]> {
  const rows = await harness.database.db.query<{ body: string }>(
    'select body from rowhook.outbox where source_table = $1 order by id',
    [`public.${table}`],
  );
  // The relay appends the writer's transaction when it claims an event (test/integration/feed covers
  // that); what capture wrote is the body before it, whichever happened first here.
  // (asSent: the stored body as the relay left it, which is what is signed and sent.)
  return rows.map((r) => (options.asSent ? r.body : r.body.replace(RELAY_TRANSACTION_SUFFIX, '}')));
}

const RELAY_TRANSACTION_SUFFIX = /,"transaction":\{"id":"\d+","position":\d+,"count":\d+\}\}$/;

function timestampOf(body: string): string {
  const timestamp = (JSON.parse(body) as { timestamp: string }).timestamp;
  expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  return timestamp;
}

describe('unusual column types produce exact JSON', () => {
  it.each(CASES.map((c, i) => ({ ...c, table: `typed_${i}` })))(
    '$name',
    async ({ table, type, value, json }) => {
      const db = harness.database.db;
      await db.query(`do $$ begin
          create type mood as enum ('ok', 'sad face', 'naïve "quoted"');
          create domain positive_price as numeric(12,2) check (value > 0);
          create type money_pair as (amount numeric(60,20), label text);
        exception when duplicate_object then null; end $$`);
      await db.query(`create table ${table} (id int primary key, tenant_id text not null, v ${type})`);
      await db.query(`select rowhook.track_table('${table}', 'tenant_id')`);
      const client = await harness.database.client();
      await client.query(`set timezone = 'UTC'`);
      await client.query(`insert into ${table} values (1, 't', ${value})`);

      const [body] = await bodiesOf(table);
      if (body === undefined) throw new Error('no event captured');
      // jsonb orders keys by length: v, id, tenant_id.
      expect(body).toBe(
        expectedBody(`${table}.created`, timestampOf(body), `{"v": ${json}, "id": 1, "tenant_id": "t"}`),
      );
      expect(JSON.parse(body).data.v).toEqual(JSON.parse(json));
    },
  );

  it('includes stored generated columns, in data and in previous', async () => {
    const db = harness.database.db;
    await db.query(`create table gen (id int primary key, tenant_id text not null, qty int,
      price numeric(10,2), total numeric generated always as (qty * price) stored)`);
    await db.query(`select rowhook.track_table('gen', 'tenant_id')`);
    await db.query(`insert into gen (id, tenant_id, qty, price) values (1, 't', 3, 2.50)`);
    await db.query('update gen set qty = 4 where id = 1');
    const [created, updated] = await bodiesOf('gen');
    if (!created || !updated) throw new Error('events missing');
    expect(created).toBe(
      expectedBody(
        'gen.created',
        timestampOf(created),
        '{"id": 1, "qty": 3, "price": 2.50, "total": 7.50, "tenant_id": "t"}',
      ),
    );
    expect(updated).toBe(
      `${expectedBody('gen.updated', timestampOf(updated), '{"id": 1, "qty": 4, "price": 2.50, "total": 10.00, "tenant_id": "t"}').slice(0, -1)},"previous":{"qty": 3, "total": 7.50}}`,
    );
  });

  it('keeps floats exact for a writer that lowered extra_float_digits, and leaves its setting alone', async () => {
    const db = harness.database.db;
    await db.query('create table floats (id int primary key, tenant_id text not null, d float8, r real)');
    await db.query(`select rowhook.track_table('floats', 'tenant_id')`);
    const client = await harness.database.client();
    await client.query('set extra_float_digits = 0');
    await client.query('begin');
    await client.query(`insert into floats values (1, 't', pi(), 1.1)`);
    const setting = await client.query('show extra_float_digits');
    await client.query('commit');
    expect(setting.rows[0]?.extra_float_digits).toBe('0');
    const [body] = await bodiesOf('floats');
    if (body === undefined) throw new Error('no event captured');
    expect(body).toBe(
      expectedBody(
        'floats.created',
        timestampOf(body),
        '{"d": 3.141592653589793, "r": 1.1, "id": 1, "tenant_id": "t"}',
      ),
    );
  });

  it('shows the same instant in every writer time zone, with that zone’s offset', async () => {
    const db = harness.database.db;
    await db.query('create table zoned (id int primary key, tenant_id text not null, at timestamptz)');
    await db.query(`select rowhook.track_table('zoned', 'tenant_id')`);
    const client = await harness.database.client();
    await client.query(`set timezone = 'Asia/Kolkata'`);
    await client.query(`insert into zoned values (1, 't', '2026-01-02 03:04:05+00')`);
    const [body] = await bodiesOf('zoned');
    const at = JSON.parse(body ?? '{}').data.at as string;
    expect(at).toBe('2026-01-02T08:34:05+05:30');
    expect(new Date(at).toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('delivers those bytes unchanged and signed', async () => {
    const db = harness.database.db;
    const tenant = await harness.api.createTenant('typed');
    const receiver = await new TestReceiver().start();
    const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: receiver.url });
    const columns = CASES.map((c, i) => `v${i} ${c.type}`).join(', ');
    await db.query(`create table wide (id int primary key, tenant_id text not null, ${columns})`);
    await db.query(`select rowhook.track_table('wide', 'tenant_id')`);
    const client = await harness.database.client();
    await client.query(`set timezone = 'UTC'`);
    await client.query(`insert into wide values (1, 'typed', ${CASES.map((c) => c.value).join(', ')})`);
    await receiver.waitForCount(1);
    const [stored] = await bodiesOf('wide', { asSent: true });
    const [webhook] = receiver.received;
    if (!webhook || !stored) throw new Error('nothing delivered');
    expect(webhook.body).toBe(stored);
    new Webhook(endpoint.secret).verify(webhook.body, webhook.headers as Record<string, string>);
    const data = JSON.parse(webhook.body).data as Record<string, unknown>;
    CASES.forEach((c, i) => {
      expect(data[`v${i}`], c.name).toEqual(JSON.parse(c.json));
    });
    await receiver.stop();
  });
});
