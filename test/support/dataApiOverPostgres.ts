import { randomBytes } from 'node:crypto';
import {
  BadRequestException,
  BatchExecuteStatementCommand,
  type BatchExecuteStatementCommandInput,
  BeginTransactionCommand,
  CommitTransactionCommand,
  DatabaseErrorException,
  ExecuteStatementCommand,
  type ExecuteStatementCommandInput,
  type ExecuteStatementCommandOutput,
  type Field,
  RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
  TransactionNotFoundException,
} from '@aws-sdk/client-rds-data';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';

/** The RDS Data API, played by a real PostgreSQL database; hand `client` to the adapter under test. */
export interface DataApiFake {
  client: RDSDataClient;
  /** Transactions begun and neither committed nor rolled back yet (an adapter must not leak them). */
  openTransactions(): number;
  /** Rolls back every open transaction (so a leak cannot block the next test); returns how many. */
  rollbackOpenTransactions(): Promise<number>;
  close(): Promise<void>;
}

// Records (JSON-formatted or typed fields) render integers, floats and booleans as JSON values and everything else as
// text (Data API: DECIMAL as a string); timestamps keep PostgreSQL's text form here.
const JSON_VALUE_TYPES: Record<number, (text: string) => unknown> = {
  16: (text) => text === 't', // bool
  20: Number, // int8 (the Data API, too, hands out a JSON number that may lose digits)
  21: Number, // int2
  23: Number, // int4
  700: Number, // float4
  701: Number, // float8
};
const AS_DATA_API = { getTypeParser: (oid: number) => JSON_VALUE_TYPES[oid] ?? ((text: string) => text) };

// What the Data API casts a parameter to for each typeHint.
const TYPE_HINT_CASTS: Record<string, string> = {
  JSON: '::json',
  UUID: '::uuid',
  TIMESTAMP: '::timestamp',
  DATE: '::date',
  TIME: '::time',
  DECIMAL: '::numeric',
};

const failure = { $metadata: { httpStatusCode: 400 } };

/**
 * Answers ExecuteStatement, BatchExecuteStatement, BeginTransaction, CommitTransaction and
 * RollbackTransaction on an RDSDataClient of its own (aws-sdk-client-mock) by running the SQL on
 * `databaseUrl`. Each transaction id holds a connection of its own until it ends, so concurrent
 * transactions lock, skip and roll back as they do on Aurora; a statement without a transaction id
 * commits on its own. Named parameters (`:name`) become positional ones.
 */
export function dataApiOverPostgres(
  databaseUrl: string,
  options: {
    /**
     * The database role each secret logs in as (`SET ROLE`, so row-level security and privileges are
     * that role's); any other secret is the connection's own user, as the master secret is on Aurora.
     */
    roles?: Record<string, string>;
  } = {},
): DataApiFake {
  const roleOf = (secretArn: string | undefined) => options.roles?.[secretArn ?? ''];
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const transactions = new Map<string, pg.PoolClient>();
  const client = new RDSDataClient({ region: 'eu-west-1' });
  const mock = mockClient(client);

  async function run(connection: pg.ClientBase, sql: string, parameters: SqlParameter[] = []) {
    const { text, values } = toPositional(sql, parameters);
    try {
      return await connection.query({ text, values, types: AS_DATA_API });
    } catch (error) {
      throw new DatabaseErrorException({ ...failure, message: `ERROR: ${(error as Error).message}` });
    }
  }

  // A statement of its own under a role: its own transaction, so the role ends with it.
  async function runAs(role: string, sql: string, parameters: SqlParameter[] = []) {
    const connection = await pool.connect();
    try {
      await connection.query('begin');
      await connection.query(`set local role "${role}"`);
      const result = await run(connection, sql, parameters);
      await connection.query('commit');
      return result;
    } catch (error) {
      await connection.query('rollback');
      throw error;
    } finally {
      connection.release();
    }
  }

  function transaction(id: string): pg.PoolClient {
    const connection = transactions.get(id);
    if (!connection)
      throw new TransactionNotFoundException({ ...failure, message: `Transaction ${id} is not found` });
    return connection;
  }

  async function end(id: string, statement: 'commit' | 'rollback') {
    const connection = transaction(id);
    transactions.delete(id);
    try {
      const result = await connection.query(statement);
      // PostgreSQL turns COMMIT of a failed transaction into a rollback: say so rather than pretend.
      if (statement === 'commit' && result.command === 'ROLLBACK')
        throw new DatabaseErrorException({
          ...failure,
          message: `ERROR: transaction ${id} had failed and was rolled back`,
        });
    } finally {
      connection.release();
    }
  }

  mock.onAnyCommand().callsFake(async (input: unknown) => {
    throw new Error(`the Data API fake does not answer this command: ${JSON.stringify(input)}`);
  });

  mock.on(BeginTransactionCommand).callsFake(async (input: { resourceArn?: string; secretArn?: string }) => {
    requireTarget(input);
    const connection = await pool.connect();
    await connection.query('begin');
    const role = roleOf(input.secretArn);
    if (role) await connection.query(`set local role "${role}"`);
    const transactionId = randomBytes(48).toString('base64');
    transactions.set(transactionId, connection);
    return { transactionId };
  });

  mock.on(CommitTransactionCommand).callsFake(async (input: { transactionId?: string }) => {
    await end(input.transactionId ?? '', 'commit');
    return { transactionStatus: 'Transaction Committed' };
  });

  mock.on(RollbackTransactionCommand).callsFake(async (input: { transactionId?: string }) => {
    await end(input.transactionId ?? '', 'rollback');
    return { transactionStatus: 'Rollback Complete' };
  });

  mock.on(ExecuteStatementCommand).callsFake(async (input: ExecuteStatementCommandInput) => {
    requireTarget(input);
    const role = roleOf(input.secretArn);
    const result =
      input.transactionId || !role
        ? await run(
            (input.transactionId ? transaction(input.transactionId) : pool) as pg.ClientBase,
            input.sql ?? '',
            input.parameters,
          )
        : await runAs(role, input.sql ?? '', input.parameters);
    const output: Partial<ExecuteStatementCommandOutput> = {
      numberOfRecordsUpdated: result.command === 'SELECT' ? 0 : (result.rowCount ?? 0),
    };
    if (result.fields.length > 0) {
      if (input.formatRecordsAs === 'JSON') output.formattedRecords = JSON.stringify(result.rows);
      else output.records = result.rows.map((row) => result.fields.map((f) => asField(row[f.name])));
    }
    return output;
  });

  mock.on(BatchExecuteStatementCommand).callsFake(async (input: BatchExecuteStatementCommandInput) => {
    requireTarget(input);
    const sets = input.parameterSets?.length ? input.parameterSets : [[]];
    // Without a transaction id the batch still applies all or nothing.
    const own = input.transactionId ? undefined : await pool.connect();
    const connection = own ?? transaction(input.transactionId ?? '');
    try {
      if (own) await own.query('begin');
      const role = roleOf(input.secretArn);
      if (own && role) await own.query(`set local role "${role}"`);
      for (const set of sets) await run(connection, input.sql ?? '', set);
      if (own) await own.query('commit');
    } catch (error) {
      if (own) await own.query('rollback');
      throw error;
    } finally {
      own?.release();
    }
    return { updateResults: sets.map(() => ({ generatedFields: [] })) };
  });

  return {
    client,
    openTransactions: () => transactions.size,
    async rollbackOpenTransactions() {
      const open = [...transactions.keys()];
      for (const id of open) await end(id, 'rollback');
      return open.length;
    },
    async close() {
      for (const connection of transactions.values()) connection.release(true);
      transactions.clear();
      mock.restore();
      await pool.end();
    },
  };
}

/** A value as a typed record field (the Data API's answer without formatRecordsAs). */
function asField(value: unknown): Field {
  if (value === null || value === undefined) return { isNull: true };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { longValue: value } : { doubleValue: value };
  return { stringValue: String(value) };
}

function requireTarget(input: { resourceArn?: string; secretArn?: string }) {
  if (!input.resourceArn || !input.secretArn)
    throw new BadRequestException({ ...failure, message: 'resourceArn and secretArn are required' });
}

/** `:name` placeholders to `$n` (casting by typeHint), leaving `::casts`, strings and identifiers alone. */
function toPositional(sql: string, parameters: SqlParameter[]): { text: string; values: unknown[] } {
  const names: string[] = [];
  let text = '';
  for (let i = 0; i < sql.length; i++) {
    const char = sql[i] as string;
    if (char === "'" || char === '"') {
      const close = sql.indexOf(char, i + 1);
      const end = close === -1 ? sql.length : close + 1;
      text += sql.slice(i, end);
      i = end - 1;
      continue;
    }
    const name = char === ':' && sql[i - 1] !== ':' ? /^[A-Za-z_]\w*/.exec(sql.slice(i + 1))?.[0] : undefined;
    if (!name) {
      text += char;
      continue;
    }
    const parameter = parameters.find((p) => p.name === name);
    if (!parameter)
      throw new BadRequestException({ ...failure, message: `No value specified for parameter: ${name}` });
    if (!names.includes(name)) names.push(name);
    text += `$${names.indexOf(name) + 1}${TYPE_HINT_CASTS[parameter.typeHint ?? ''] ?? ''}`;
    i += name.length;
  }
  const values = names.map((name) => parameterValue(parameters.find((p) => p.name === name) as SqlParameter));
  return { text, values };
}

function parameterValue(parameter: SqlParameter): unknown {
  const value = parameter.value;
  if (!value || value.isNull) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.longValue !== undefined) return value.longValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.booleanValue !== undefined) return value.booleanValue;
  if (value.blobValue !== undefined) return Buffer.from(value.blobValue);
  throw new BadRequestException({
    ...failure,
    message: `Array parameters are not supported (${parameter.name})`,
  });
}
