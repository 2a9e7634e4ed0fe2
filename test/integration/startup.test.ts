import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SpawnedRuntime, spawnRuntime } from '../support/spawnRuntime.ts';

const runtimes: SpawnedRuntime[] = [];
const folders: string[] = [];

afterAll(async () => {
  for (const runtime of runtimes) {
    runtime.process.kill('SIGTERM');
    await new Promise((resolve) => runtime.process.once('exit', resolve));
  }
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('npm start with the embedded PostgreSQL', () => {
  it('refuses a second runtime on the same data folder and leaves the first one working', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'rowhook-start-'));
    await chmod(folder, 0o755);
    folders.push(folder);
    const env = { ROWHOOK_DATA_DIR: folder };
    const first = await spawnRuntime('', env);
    runtimes.push(first);
    await expect(spawnRuntime('', env)).rejects.toThrow(/already running from .* \(pid \d+, API http/);
    const health = await fetch(`${first.apiUrl}/health`);
    expect(health.status).toBe(200);
    // The first runtime still reaches its database: tenants can be listed.
    const tenants = await fetch(`${first.apiUrl}/v1/tenants`, {
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    });
    expect(tenants.status).toBe(200);
  });

  it('names the variable when DATABASE_URL cannot be reached', async () => {
    await expect(spawnRuntime('postgres://nobody:pw@127.0.0.1:9/none')).rejects.toThrow(
      /rowhook: cannot use the PostgreSQL in DATABASE_URL \(127\.0\.0\.1:9\): .*ECONNREFUSED/,
    );
  });

  it('names the variable when the API port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { inject } = await import('vitest');
      await expect(spawnRuntime(inject('adminDatabaseUrl'), { ROWHOOK_PORT: String(port) })).rejects.toThrow(
        new RegExp(`ROWHOOK_PORT=${port}: 127.0.0.1:${port} is already in use`),
      );
    } finally {
      blocker.close();
    }
  });
});
