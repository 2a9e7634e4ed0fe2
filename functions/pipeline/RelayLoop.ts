import { type RelayDependencies, type RelayOptions, type RelayResult, relayOutbox } from './relayOutbox.ts';

export interface RelayLoopOptions extends RelayOptions {
  /** Safety-net interval: a lost or coalesced-away nudge delays events by at most this. */
  sweepIntervalMs: number;
  /**
   * After draining, look once more this long later: a writer that committed just after our last
   * claim had its nudge coalesced into the one we are serving.
   */
  lingerMs: number;
}

/** Runs the relay on nudges and on a sweep timer; never two passes at once in this process. */
export class RelayLoop {
  private running = false;
  private active: Promise<void> | undefined;
  private again = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: RelayDependencies & {
      onError: (error: unknown) => void;
      onRelayed?: (result: RelayResult) => void;
    },
    private readonly options: RelayLoopOptions,
  ) {}

  start(): void {
    this.running = true;
    this.sweepTimer = setInterval(() => this.nudge(), this.options.sweepIntervalMs);
    this.nudge();
  }

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
    clearInterval(this.sweepTimer);
    clearTimeout(this.lingerTimer);
    await this.active;
  }

  private async drain(): Promise<void> {
    let moved = false;
    do {
      this.again = false;
      try {
        for (;;) {
          const result = await relayOutbox(this.deps, this.options);
          if (result.claimed > 0) {
            moved = true;
            this.deps.onRelayed?.(result);
          }
          if (result.claimed < this.options.batchSize || !this.running) break;
        }
      } catch (error) {
        this.deps.onError(error);
        return;
      }
    } while (this.again && this.running);
    if (moved && this.running) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = setTimeout(() => this.nudge(), this.options.lingerMs);
    }
  }
}
