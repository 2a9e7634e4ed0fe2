import type { RecoveryJobs } from '../ports/Recoveries.ts';

export interface RecoveryLoopOptions {
  /** Deliveries queued again per batch: one short transaction each, so writers and claims never wait long. */
  batchSize: number;
  /** How often to look for running jobs without a nudge (jobs another runtime left, or a lost nudge). */
  pollIntervalMs: number;
}

/**
 * Works through recover jobs in the background, one bounded batch at a time, never two passes at
 * once in this process. The job's position is committed with each batch, so after a crash the
 * next runtime continues where the last committed batch ended.
 */
export class RecoveryLoop {
  private running = false;
  private active: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: { jobs: RecoveryJobs; onError: (error: unknown) => void },
    private readonly options: RecoveryLoopOptions,
  ) {}

  start(): void {
    this.running = true;
    this.timer = setInterval(() => this.nudge(), this.options.pollIntervalMs);
    this.nudge();
  }

  /** A job was created: start on it now rather than at the next poll. */
  nudge(): void {
    if (!this.running) return;
    if (this.active) {
      this.again = true;
      return;
    }
    this.active = this.drain().finally(() => {
      this.active = undefined;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await this.active;
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      try {
        while (this.running) {
          const batch = await this.deps.jobs.runBatch(this.options.batchSize);
          // Nothing to do, or waiting for an attempt in flight to finish: look again at the next poll.
          // Woken after the batch is committed, as its own step: a runtime that dies in between
          // leaves the batch to the deliverers' polling, which the next runtime does.
          if (batch !== null && batch.queued > 0) await this.deps.jobs.wake();
          if (batch === null || batch.blocked) break;
          // Yield between batches: the API and the pipeline share this process.
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (error) {
        this.deps.onError(error);
        return;
      }
    } while (this.again && this.running);
  }
}
