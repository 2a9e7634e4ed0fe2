import type { RetentionStore } from '../ports/RetentionStore.ts';
import { type PurgeTotals, purgeExpired } from './purgeExpired.ts';

export interface RetentionLoopOptions {
  retentionMs: number;
  /** Time between the end of one pass and the start of the next. */
  intervalMs: number;
  batchSize: number;
  pauseMs: number;
}

/** Runs a purge pass in the background every interval; never two at once; stop() waits for the batch. */
export class RetentionLoop {
  private timer: NodeJS.Timeout | undefined;
  private active: Promise<void> | undefined;
  private running = false;

  constructor(
    private readonly deps: {
      store: RetentionStore;
      now: () => Date;
      onError: (error: unknown) => void;
      onPass?: (totals: PurgeTotals) => void;
    },
    private readonly options: RetentionLoopOptions,
  ) {}

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.active = this.pass().finally(() => {
        this.active = undefined;
        this.schedule(this.options.intervalMs);
      });
    }, delayMs);
  }

  private async pass(): Promise<void> {
    try {
      const totals = await purgeExpired(this.deps.store, {
        before: new Date(this.deps.now().getTime() - this.options.retentionMs),
        batchSize: this.options.batchSize,
        pauseMs: this.options.pauseMs,
        shouldStop: () => !this.running,
      });
      this.deps.onPass?.(totals);
    } catch (error) {
      this.deps.onError(error);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.active;
  }
}
