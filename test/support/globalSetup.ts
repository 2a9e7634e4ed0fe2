import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../functions/local/startEmbeddedPostgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL server per test run: DATABASE_URL when set (any server the tests may create
 * databases on), else an embedded one in a temporary folder. Each test file makes its own database.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.DATABASE_URL);
    return;
  }
  // Under the OS temp dir, which the `postgres` user can reach even when the checkout is in a 0700 home.
  const folder = await mkdtemp(path.join(tmpdir(), 'rowhook-test-'));
  await chmod(folder, 0o755); // mkdtemp makes it 0700; the postgres user must get through it
  const server = await startEmbeddedPostgres({ dataDir: path.join(folder, 'pgdata'), ephemeral: true });
  project.provide('adminDatabaseUrl', server.adminUrl);
  return async () => {
    await server.stop();
    await rm(folder, { recursive: true, force: true });
  };
}
