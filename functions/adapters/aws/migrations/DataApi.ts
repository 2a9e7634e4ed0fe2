import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  type RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { DATA_API_RESUME } from './constants.ts';

/** The cluster, credentials and database every Data API call names. */
export interface DataApiTarget {
  resourceArn: string;
  secretArn: string;
  database: string;
}

/** One statement per call, transactions threaded by id: the Data API as the migrations use it. */
export class DataApi {
  constructor(
    private readonly client: RDSDataClient,
    private readonly target: DataApiTarget,
  ) {}

  /** A cluster that scaled to zero answers DatabaseResumingException until it is back. */
  async waitUntilAvailable(): Promise<void> {
    const deadline = Date.now() + DATA_API_RESUME.maxWaitMs;
    for (
      let delay: number = DATA_API_RESUME.firstDelayMs;
      ;
      delay = Math.min(delay * 2, DATA_API_RESUME.maxDelayMs)
    ) {
      try {
        await this.run('select 1');
        return;
      } catch (error) {
        const name = (error as Error).name;
        const retryable = name === 'DatabaseResumingException' || name === 'DatabaseUnavailableException';
        if (!retryable || Date.now() + delay > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  async run(sql: string, parameters: SqlParameter[] = [], transactionId?: string) {
    const out = await this.client.send(
      new ExecuteStatementCommand({
        ...this.target,
        sql,
        parameters,
        ...(transactionId ? { transactionId } : {}),
      }),
    );
    return out.records ?? [];
  }

  async begin(): Promise<string> {
    const out = await this.client.send(new BeginTransactionCommand(this.target));
    if (!out.transactionId) throw new Error('Data API returned no transaction id');
    return out.transactionId;
  }

  async commit(transactionId: string): Promise<void> {
    await this.client.send(
      new CommitTransactionCommand({
        resourceArn: this.target.resourceArn,
        secretArn: this.target.secretArn,
        transactionId,
      }),
    );
  }

  async rollback(transactionId: string): Promise<void> {
    await this.client.send(
      new RollbackTransactionCommand({
        resourceArn: this.target.resourceArn,
        secretArn: this.target.secretArn,
        transactionId,
      }),
    );
  }
}
