import type { Database } from '../../../functions/adapters/pg/Database.ts';
import type { apiClient } from '../../support/startTestRuntime.ts';

export type Api = ReturnType<typeof apiClient>;

export interface RecoveryBody {
  id: string;
  endpointId: string;
  since: string;
  until: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  sent: number;
  truncatedAt: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** Polls GET /v1/recoveries/{id} until the job is no longer running; fails after `timeoutMs`. */
export async function waitForRecovery(api: Api, token: string, id: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.call('GET', `/v1/recoveries/${id}`, token);
    if (res.status !== 200) throw new Error(`GET recovery: ${res.status} ${JSON.stringify(res.json)}`);
    const job = res.json as RecoveryBody;
    if (job.status !== 'running') return job;
    if (Date.now() > deadline)
      throw new Error(`recovery still running after ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A window edge from the database's clock (the one events' occurred_at come from): after every
 * transaction committed so far and before every later one. JavaScript dates have milliseconds and
 * the database microseconds, so the edge is the next millisecond, and this returns once the
 * database's clock has passed it.
 */
export async function windowEdge(db: Database): Promise<string> {
  const clock = async () => {
    const [row] = await db.query<{ now: Date }>('select clock_timestamp() as now');
    if (!row) throw new Error('no clock');
    return row.now.getTime();
  };
  const edge = (await clock()) + 1;
  while ((await clock()) <= edge) {}
  return new Date(edge).toISOString();
}
