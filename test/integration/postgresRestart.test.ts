import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  type EmbeddedPostgresHandle,
  startEmbeddedPostgres,
} from '../../functions/local/startEmbeddedPostgres.ts';
import { killHard, type SpawnedRuntime, spawnRuntime } from '../support/spawnRuntime.ts';
import { apiClient } from '../support/startTestRuntime.ts';
import { TestReceiver } from '../support/TestReceiver.ts';

// Its own PostgreSQL: the run's shared server must not go down under the other test files.
let folder: string;
let dataDir: string;
let server: EmbeddedPostgresHandle;
let port: number;
let runtime: SpawnedRuntime | undefined;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'rowhook-restart-'));
  await chmod(folder, 0o755); // the postgres user must get through it
  dataDir = path.join(folder, 'pgdata');
  server = await startEmbeddedPostgres({ dataDir });
  port = Number(new URL(server.adminUrl).port);
});

afterAll(async () => {
  if (runtime) await killHard(runtime);
  await server?.stop().catch(() => {});
  if (folder) await rm(folder, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Immediate shutdown (SIGQUIT to the postmaster): no checkpoint, crash recovery at the next start. */
async function crashServer(): Promise<void> {
  const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  process.kill(pid, 'SIGQUIT');
  while (isAlive(pid)) await sleep(50);
}

/**
 * Inserts rows until stopped, through every outage: a failed statement drops the connection and
 * the next transaction reconnects. Which rows committed is read back from the table afterwards,
 * since a COMMIT cut off by the shutdown has an unknown outcome.
 */
function writeLoad(url: string) {
  let running = true;
  let nextId = 1;
  const rolledBack: number[] = [];
  const done = (async () => {
    let client: pg.Client | undefined;
    while (running) {
      try {
        if (!client) {
          client = new pg.Client({ connectionString: url });
          client.on('error', () => {});
          await client.connect();
        }
        const ids = [nextId, nextId + 1];
        nextId += 2;
        await client.query('begin');
        await client.query(`insert into jobs select id, 'pg' from unnest($1::int[]) id`, [ids]);
        if (nextId % 10 === 1) {
          await client.query('rollback');
          rolledBack.push(...ids);
        } else {
          await client.query('commit');
        }
      } catch {
        await client?.end().catch(() => {});
        client = undefined;
      }
      await sleep(40);
    }
    await client?.end().catch(() => {});
  })();
  return {
    rolledBack,
    async stop() {
      running = false;
      await done;
    },
  };
}

describe('PostgreSQL restarts under load', () => {
  it('reconnects after a fast and an immediate shutdown and delivers every committed row', async () => {
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query('create database rowhook_restart');
    await admin.end();
    const url = new URL(server.adminUrl);
    url.pathname = '/rowhook_restart';
    const databaseUrl = url.toString();

    const receiver = await new TestReceiver().start();
    const started = await spawnRuntime(databaseUrl, { ROWHOOK_DELIVERY_TIMEOUT: '5s' });
    runtime = started;
    onTestFailed(() => {
      console.error(
        `runtime ${started.process.exitCode ?? started.process.signalCode ?? 'alive'}; output (end):\n${started.output().slice(-6_000)}`,
      );
    });
    const api = apiClient(runtime.apiUrl);
    const tenant = await api.createTenant('pg');
    const endpoint = await api.createEndpoint(tenant.apiKey, { url: receiver.url });
    const setup = new pg.Client({ connectionString: databaseUrl });
    await setup.connect();
    await setup.query(`create table jobs (id int primary key, tenant_id text not null);
      select rowhook.track_table('jobs', 'tenant_id');`);
    await setup.end();

    const load = writeLoad(databaseUrl);
    await receiver.waitForCount(5, 30_000);
    await server.stop(); // fast shutdown: clients are disconnected
    await sleep(1_000);
    server = await startEmbeddedPostgres({ dataDir, port });
    await sleep(1_500);
    await crashServer();
    await sleep(1_000);
    server = await startEmbeddedPostgres({ dataDir, port });
    await sleep(1_500);
    await load.stop();

    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const committed = (await check.query<{ id: number }>('select id from jobs order by id')).rows.map(
      (r) => r.id,
    );
    await check.end();
    const deliveredIds = () => new Set(receiver.received.map((w) => JSON.parse(w.body).data.id as number));
    // One parse of the received bodies per poll, not one per row: the receiver shares this event loop.
    const undelivered = () => {
      const delivered = deliveredIds();
      return committed.filter((id) => !delivered.has(id)).length;
    };
    await expect.poll(undelivered, { timeout: 60_000, interval: 250 }).toBe(0);

    // Still the same process: it logged the outage rather than dying of it.
    expect(runtime.process.exitCode).toBeNull();
    expect(runtime.process.signalCode).toBeNull();
    expect(runtime.output()).toMatch(/"level":"error"/);
    expect(committed.length).toBeGreaterThan(10);
    expect(load.rolledBack.length).toBeGreaterThan(0);
    expect([...deliveredIds()].filter((id) => load.rolledBack.includes(id))).toEqual([]);
    const verifier = new Webhook(endpoint.secret);
    for (const webhook of receiver.received)
      verifier.verify(webhook.body, webhook.headers as Record<string, string>);
    await receiver.stop();
  }, 150_000);
});
