import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_ROLE } from '../../../functions/adapters/aws/migrations/constants.ts';
import { DataApi } from '../../../functions/adapters/aws/migrations/DataApi.ts';
import { ensureTenantRole } from '../../../functions/adapters/aws/migrations/ensureTenantRole.ts';
import { RdsDataEvents } from '../../../functions/adapters/aws/RdsDataEvents.ts';
import { RdsDataFailedEvents } from '../../../functions/adapters/aws/RdsDataFailedEvents.ts';
import { RdsDataOutboxSource } from '../../../functions/adapters/aws/RdsDataOutboxSource.ts';
import { PgOutboxSource } from '../../../functions/adapters/pg/PgOutboxSource.ts';
import { scramSha256Verifier } from '../../../functions/adapters/sql/scramSha256Verifier.ts';
import { RDS_DATA_TARGET } from '../../contract/contractSupport.ts';
import { type DataApiFake, dataApiOverPostgres } from '../../support/dataApiOverPostgres.ts';
import { createTestDatabase, type TestDatabase } from '../../support/testDatabase.ts';

// Roles are the server's, not the database's: a name of this file's own, dropped at the end.
// Needs a server user with CREATEROLE (the embedded server's is a superuser).
const user = `rowhook_app_${randomBytes(4).toString('hex')}`;
const TENANT_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:tenant';
const target = { ...RDS_DATA_TARGET, tenantSecretArn: TENANT_SECRET };

let database: TestDatabase;
let dataApi: DataApiFake;

async function rolpassword(role: string): Promise<string> {
  const rows = await database.db.query<{ rolpassword: string }>(
    'select rolpassword from pg_authid where rolname = $1',
    [role],
  );
  return rows[0]?.rolpassword ?? '';
}

async function rejectedEvent(tenantId: string): Promise<string> {
  const outbox = new PgOutboxSource(database.db);
  const id = await outbox.append({ tenantId, type: 'row.created', body: '{"n":1}', targetEndpointId: null });
  await outbox.claimUnpublished(10, async (events) => ({
    rejected: events.map((e) => ({ eventId: e.id, reason: 'refused by the transport' })),
  }));
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataApi = dataApiOverPostgres(database.url, { roles: { [TENANT_SECRET]: user } });
});

afterAll(async () => {
  await dataApi?.close();
  await database?.drop();
  const admin = await createTestDatabase({ migrate: false });
  await admin.db.query(`drop role if exists "${user}"`);
  await admin.drop();
});

describe('SCRAM-SHA-256 verifier', () => {
  it("is the verifier PostgreSQL itself stores for the password, given PostgreSQL's salt and iterations", async () => {
    const probe = `rowhook_scram_${randomBytes(4).toString('hex')}`;
    const password = `Pw-${randomBytes(12).toString('base64url')}`;
    await database.db.query(`create role "${probe}"`);
    try {
      await database.db.transaction(async () => {
        await database.db.query("set local password_encryption = 'scram-sha-256'");
        await database.db.query(`alter role "${probe}" password '${password}'`);
      });
      const stored = await rolpassword(probe);
      const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored) ?? [];
      expect(
        scramSha256Verifier(password, {
          salt: Buffer.from(salt ?? '', 'base64'),
          iterations: Number(iterations),
        }),
      ).toBe(stored);
      expect(
        scramSha256Verifier(`${password}x`, {
          salt: Buffer.from(salt ?? '', 'base64'),
          iterations: Number(iterations),
        }),
      ).not.toBe(stored);
    } finally {
      await database.db.query(`drop role "${probe}"`);
    }
  });

  it('refuses a password it cannot prepare the way PostgreSQL would', () => {
    expect(() => scramSha256Verifier('pässword')).toThrow(/printable ASCII/);
  });
});

describe('tenant role (migrations custom resource)', () => {
  const db = () => new DataApi(dataApi.client, RDS_DATA_TARGET);

  it('creates the login user in the RLS-bound group with a verifier, never the password, in any statement', async () => {
    const password = randomBytes(24).toString('base64url');
    const statements: string[] = [];
    const recording = new DataApi(dataApi.client, RDS_DATA_TARGET);
    const run = recording.run.bind(recording);
    recording.run = (sql, ...rest) => {
      statements.push(sql);
      return run(sql, ...rest);
    };
    await ensureTenantRole(recording, { username: user, password });

    expect(statements.join('\n')).not.toContain(password);
    expect(await rolpassword(user)).toMatch(/^SCRAM-SHA-256\$4096:/);
    const rows = await database.db.query(
      `select r.rolcanlogin, r.rolbypassrls, r.rolsuper, pg_has_role(r.oid, $2, 'member') as member
         from pg_roles r where r.rolname = $1`,
      [user, TENANT_ROLE.group],
    );
    expect(rows).toEqual([{ rolcanlogin: true, rolbypassrls: false, rolsuper: false, member: true }]);
  });

  it('leaves the password to rotation on later deploys (idempotent)', async () => {
    const before = await rolpassword(user);
    await ensureTenantRole(db(), { username: user, password: randomBytes(24).toString('base64url') });
    expect(await rolpassword(user)).toBe(before);
  });

  it('fails the deploy when the secret names a role that bypasses row-level security', async () => {
    const bypassing = `rowhook_bypass_${randomBytes(4).toString('hex')}`;
    await database.db.query(`create role "${bypassing}" login bypassrls`);
    try {
      await expect(
        ensureTenantRole(db(), { username: bypassing, password: randomBytes(24).toString('base64url') }),
      ).rejects.toThrow(new RegExp(`${bypassing} would bypass row-level security`));
    } finally {
      await database.db.query(`drop owned by "${bypassing}"; drop role "${bypassing}"`);
    }
  });

  it('refuses a username that is not a plain role name', async () => {
    await expect(ensureTenantRole(db(), { username: 'x"; drop table y; --', password: 'p' })).rejects.toThrow(
      /plain lower-case PostgreSQL role name/,
    );
  });
});

describe('tenant-scoped failed events run as the tenant role', () => {
  it("shows a tenant its own rejected events and row-level security, not the query's filter, hides the rest", async () => {
    await ensureTenantRole(new DataApi(dataApi.client, RDS_DATA_TARGET), {
      username: user,
      password: randomBytes(24).toString('base64url'),
    });
    const mine = await rejectedEvent('t_rls_a');
    const theirs = await rejectedEvent('t_rls_b');
    const failedEvents = new RdsDataFailedEvents(dataApi.client, target);

    const a = await failedEvents.list({ tenantId: 't_rls_a' }, { limit: 10, cursor: null });
    expect(a.items.map((e) => e.id)).toEqual([mine]);
    const operators = await failedEvents.list({}, { limit: 10, cursor: null });
    expect(operators.items.map((e) => e.id).sort()).toEqual([mine, theirs].sort());

    // The same statement as the tenant role, scoped to tenant A but asking for B's rows: nothing.
    const asTenant = new DataApi(dataApi.client, { ...RDS_DATA_TARGET, secretArn: TENANT_SECRET });
    const tx = await asTenant.begin();
    await asTenant.run("select set_config('rowhook.tenant_id', 't_rls_a', true)", [], tx);
    expect(await asTenant.run("select id from rowhook.outbox where tenant_id = 't_rls_b'", [], tx)).toEqual(
      [],
    );
    expect(
      await asTenant.run("select id from rowhook.outbox where tenant_id = 't_rls_a'", [], tx),
    ).toHaveLength(1);
    await asTenant.commit(tx);
    // Unscoped, the role sees no tenant at all.
    expect(await asTenant.run('select id from rowhook.outbox')).toEqual([]);
    expect(dataApi.openTransactions()).toBe(0);
  });
});

describe("a tenant's own events are appended as the tenant role", () => {
  it("appends a test event for its tenant, and the insert policy refuses another tenant's row", async () => {
    await ensureTenantRole(new DataApi(dataApi.client, RDS_DATA_TARGET), {
      username: user,
      password: randomBytes(24).toString('base64url'),
    });
    const outbox = new RdsDataOutboxSource(dataApi.client, {
      ...RDS_DATA_TARGET,
      tenantSecretArn: TENANT_SECRET,
    });
    const id = await outbox.append({
      tenantId: 't_rls_append',
      type: 'webhook.test',
      body: '{"type":"webhook.test"}',
      targetEndpointId: 'ep_1',
    });
    const rows = await database.db.query('select tenant_id, event_type from rowhook.outbox where id = $1', [
      id,
    ]);
    expect(rows).toEqual([{ tenant_id: 't_rls_append', event_type: 'webhook.test' }]);

    const asTenant = new DataApi(dataApi.client, { ...RDS_DATA_TARGET, secretArn: TENANT_SECRET });
    const tx = await asTenant.begin();
    await asTenant.run("select set_config('rowhook.tenant_id', 't_rls_append', true)", [], tx);
    await expect(
      asTenant.run("select rowhook.append_event('t_someone_else', 'webhook.test', '{}', null)", [], tx),
    ).rejects.toThrow(/row-level security/);
    await asTenant.rollback(tx);
    expect(dataApi.openTransactions()).toBe(0);
  });
});

describe('a publish (POST /v1/events on AWS) runs as the tenant role', () => {
  it("publishes for the request's tenant through rowhook.publish under row-level security", async () => {
    await ensureTenantRole(new DataApi(dataApi.client, RDS_DATA_TARGET), {
      username: user,
      password: randomBytes(24).toString('base64url'),
    });
    const events = new RdsDataEvents(dataApi.client, { ...RDS_DATA_TARGET, tenantSecretArn: TENANT_SECRET });
    const id = await events.publish({
      tenantId: 't_rls_publish',
      type: 'invoice.paid',
      data: { total: 12 },
      idempotencyKey: null,
      orderingKey: null,
    });
    const rows = await database.db.query('select tenant_id, event_type from rowhook.outbox where id = $1', [
      id,
    ]);
    expect(rows).toEqual([{ tenant_id: 't_rls_publish', event_type: 'invoice.paid' }]);
    expect(dataApi.openTransactions()).toBe(0);
  });
});
