import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DataApiFake, dataApiOverPostgres } from '../support/dataApiOverPostgres.ts';
import { secretsManagerFake } from '../support/secretsManagerFake.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { RDS_DATA_TARGET } from './contractSupport.ts';

// The contracts trust these fakes to answer as AWS does; these cases pin the behaviour they rely on.

describe('the Data API fake', () => {
  let database: TestDatabase;
  let dataApi: DataApiFake;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    dataApi = dataApiOverPostgres(database.url);
    await database.db.query('create table probe (id int primary key, note text)');
  });
  afterAll(async () => {
    await dataApi?.close();
    await database?.drop();
  });

  const execute = (sql: string, parameters: object[] = [], transactionId?: string) =>
    dataApi.client.send(
      new ExecuteStatementCommand({
        ...RDS_DATA_TARGET,
        sql,
        parameters,
        formatRecordsAs: 'JSON',
        ...(transactionId ? { transactionId } : {}),
      }),
    );
  const begin = async () =>
    (await dataApi.client.send(new BeginTransactionCommand(RDS_DATA_TARGET))).transactionId as string;
  const notes = async () =>
    JSON.parse((await execute('select id, note from probe order by id')).formattedRecords ?? '[]');

  it('binds named parameters, leaving ::casts and quoted colons alone, and formats rows as JSON', async () => {
    const result = await execute(
      "select :n::int + 1 as n, ':not_a_param' as text, :s as s, :nothing::text as nothing",
      [
        { name: 'n', value: { longValue: 41 } },
        { name: 's', value: { stringValue: 'x' } },
        { name: 'nothing', value: { isNull: true } },
      ],
    );
    expect(JSON.parse(result.formattedRecords ?? '')).toEqual([
      { n: 42, text: ':not_a_param', s: 'x', nothing: null },
    ]);
  });

  it('keeps a transaction to itself until it commits, and undoes it on rollback', async () => {
    const kept = await begin();
    await execute("insert into probe values (1, 'kept')", [], kept);
    expect(await notes()).toEqual([]);
    await dataApi.client.send(new CommitTransactionCommand({ ...RDS_DATA_TARGET, transactionId: kept }));
    const undone = await begin();
    await execute("insert into probe values (2, 'undone')", [], undone);
    await dataApi.client.send(new RollbackTransactionCommand({ ...RDS_DATA_TARGET, transactionId: undone }));
    expect(await notes()).toEqual([{ id: 1, note: 'kept' }]);
    expect(dataApi.openTransactions()).toBe(0);
  });

  it('answers with the Data API’s errors', async () => {
    await expect(execute('select 1', [], 'no-such-transaction')).rejects.toMatchObject({
      name: 'TransactionNotFoundException',
    });
    await expect(execute('select * from no_such_table')).rejects.toMatchObject({
      name: 'DatabaseErrorException',
      message: expect.stringMatching(/no_such_table/),
    });
    await expect(execute('select :missing')).rejects.toMatchObject({ name: 'BadRequestException' });
  });
});

describe('the Secrets Manager fake', () => {
  const name = 'rowhook/test/endpoints/ep_1';

  it('moves AWSCURRENT to each new version and keeps the one before as AWSPREVIOUS; AWSPENDING moves nothing', async () => {
    const { client } = secretsManagerFake();
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2' }));
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v3' }));
    await client.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: 'v4', VersionStages: ['AWSPENDING'] }),
    );
    const value = async (VersionStage?: string) =>
      (
        await client.send(
          new GetSecretValueCommand({ SecretId: name, ...(VersionStage ? { VersionStage } : {}) }),
        )
      ).SecretString;
    expect(await value()).toBe('v3');
    expect(await value('AWSPREVIOUS')).toBe('v2');
    expect(await value('AWSPENDING')).toBe('v4');
    const { VersionIdsToStages } = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(Object.values(VersionIdsToStages ?? {}).sort()).toEqual([
      ['AWSCURRENT'],
      ['AWSPENDING'],
      ['AWSPREVIOUS'],
    ]);
  });

  it('refuses a secret scheduled for deletion as AWS does, until it is force-deleted', async () => {
    const { client } = secretsManagerFake();
    await expect(client.send(new GetSecretValueCommand({ SecretId: name }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    await expect(
      client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' })),
    ).rejects.toMatchObject({
      name: 'ResourceExistsException',
    });
    await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const markedForDeletion = { name: 'InvalidRequestException', message: expect.stringMatching(/marked/) };
    await expect(client.send(new GetSecretValueCommand({ SecretId: name }))).rejects.toMatchObject(
      markedForDeletion,
    );
    await expect(
      client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2' })),
    ).rejects.toMatchObject(markedForDeletion);
    await expect(client.send(new DeleteSecretCommand({ SecretId: name }))).rejects.toMatchObject(
      markedForDeletion,
    );
    await expect(
      client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' })),
    ).rejects.toMatchObject({
      name: 'InvalidRequestException',
      message: expect.stringMatching(/scheduled for deletion/),
    });
    await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    await expect(
      client.send(new CreateSecretCommand({ Name: name, SecretString: 'v2' })),
    ).resolves.toMatchObject({
      Name: name,
    });
  });
});
