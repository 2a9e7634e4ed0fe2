import { scramSha256Verifier } from '../../sql/scramSha256Verifier.ts';
import { TENANT_ROLE } from './constants.ts';
import type { DataApi } from './DataApi.ts';

/** The login credentials of the tenant secret (Secrets Manager's database-secret JSON). */
export interface DatabaseCredentials {
  username: string;
  password: string;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the role tenant-scoped Data API calls run as, at every deploy and idempotently:
 * the NOLOGIN group with its grants, and the secret's login user as a member of it.
 *
 * The login user is given its password only when it is created, as a SCRAM verifier computed here,
 * so the password never appears in a statement. After that the password belongs to the secret's
 * rotation (alternating users), which this must not undo. The deploy fails if either role could
 * bypass row-level security (superuser, BYPASSRLS or owner of the outbox): PostgreSQL only lets a
 * superuser change BYPASSRLS, which Aurora's master user is not, so it can refuse but not repair.
 */
export async function ensureTenantRole(db: DataApi, credentials: DatabaseCredentials): Promise<void> {
  const user = credentials.username;
  if (!ROLE_NAME.test(user))
    throw new Error(
      `the tenant secret's username must be a plain lower-case PostgreSQL role name, got ${JSON.stringify(user)}`,
    );
  const verifier = scramSha256Verifier(credentials.password);
  await db.run(
    `do $$ begin create role ${TENANT_ROLE.group} nologin; exception when duplicate_object or unique_violation then null; end $$`,
  );
  for (const grant of TENANT_ROLE.grants) await db.run(grant);
  // The verifier is base64 and '$' and ':' only: nothing to escape in a literal or a $$ body.
  await db.run(
    `do $$ begin create role "${user}" login in role ${TENANT_ROLE.group} password '${verifier}'; exception when duplicate_object or unique_violation then null; end $$`,
  );
  await db.run(`grant ${TENANT_ROLE.group} to "${user}"`);
  const unsafe = await db.run(
    `select r.rolname from pg_catalog.pg_roles r
      where r.rolname in (:group, :user)
        and (r.rolsuper or r.rolbypassrls
             or r.oid = (select relowner from pg_catalog.pg_class where oid = 'rowhook.outbox'::regclass))`,
    [
      { name: 'group', value: { stringValue: TENANT_ROLE.group } },
      { name: 'user', value: { stringValue: user } },
    ],
  );
  if (unsafe.length > 0)
    throw new Error(
      `${unsafe.map((row) => row[0]?.stringValue).join(' and ')} would bypass row-level security ` +
        '(superuser, BYPASSRLS or owner of rowhook.outbox): tenant-scoped calls must run as a role it applies to. ' +
        'Drop or alter the role as a superuser, or name another user in the tenant secret.',
    );
}
