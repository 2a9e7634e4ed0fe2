import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** PostgreSQL's default (scram_iterations) since 10; the verifier carries its own count. */
const DEFAULT_ITERATIONS = 4096;
const SALT_BYTES = 16;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802 / RFC 7677, the form of
 * `pg_authid.rolpassword`). `CREATE ROLE ... PASSWORD '<verifier>'` stores it as given, so a role can
 * be given a password without the password itself ever appearing in a statement, where
 * `log_statement`, pgaudit or an error message could record it.
 *
 * PostgreSQL SASLprep-normalises the password first; for the ASCII passwords Secrets Manager
 * generates that is the identity, so this refuses anything else rather than diverge silently.
 */
export function scramSha256Verifier(
  password: string,
  options: { salt?: Buffer; iterations?: number } = {},
): string {
  if (!/^[\x21-\x7e]+$/.test(password))
    throw new Error('the password must be printable ASCII without spaces (SASLprep is not implemented)');
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
