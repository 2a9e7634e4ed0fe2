import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { tableDefinition } from '../../functions/adapters/aws/dynamo/tableDefinition.ts';

// dynalite ships no types; this is the one call we make.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

export interface Dynalite {
  /** A DocumentClient for http://127.0.0.1:<port>, with the marshalling the adapters use. */
  client: DynamoDBDocumentClient;
  endpoint: string;
  /** Created at start with the Rowhook table design. */
  tableName: string;
  /** Another empty table with the same design (dynalite keeps tables in memory; they are cheap). */
  createTable(tableName: string): Promise<void>;
  deleteTable(tableName: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A dynalite server on a free loopback port, with the Rowhook table created from its design.
 * dynalite implements neither TransactWriteItems nor TTL, which the adapters do without.
 */
export async function startDynalite(tableName = 'rowhook-test'): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'dummy', secretAccessKey: 'dummy' },
    maxAttempts: 1, // a test should see the first error, not a retried one
  });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });

  async function createTable(name: string) {
    await base.send(new CreateTableCommand(tableDefinition(name)));
    // Even with createTableMs 0 the table is CREATING until dynalite's next tick.
    for (let tries = 0; tries < 200; tries++) {
      const { Table } = await base.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`dynalite table ${name} did not become ACTIVE`);
  }

  await createTable(tableName);
  return {
    client,
    endpoint,
    tableName,
    createTable,
    async deleteTable(name) {
      await base.send(new DeleteTableCommand({ TableName: name }));
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/**
 * For a contract file: one dynalite for the whole file, and `freshTable()` for each context that
 * needs an empty table of its own (named `<prefix>-<n>`, deleted by its `cleanup`).
 */
export function useDynaliteTables(prefix: string) {
  let dynamo: Dynalite | undefined;
  let tables = 0;
  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  const started = () => {
    if (!dynamo) throw new Error('dynalite is not started yet: call freshTable() inside a test or hook');
    return dynamo;
  };
  return {
    async freshTable() {
      const server = started();
      const tableName = `${prefix}-${++tables}`;
      await server.createTable(tableName);
      return { client: server.client, tableName, cleanup: () => server.deleteTable(tableName) };
    },
  };
}
