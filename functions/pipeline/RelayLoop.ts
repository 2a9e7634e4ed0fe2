import type { ClaimedDelivery } from '../ports/DeliveryQueue.ts';
import { type RelayDependencies, type RelayOptions, type RelayResult, relayOutbox } from './relayOutbox.ts';

/** The deliverer in this process, when there is one: it takes committed deliveries in memory. */
export interface RelayHandoff {
  leaseMs: number;
  /** Whether the deliverer takes this one in memory (else it waits in the queue for a claim). */
  wants: NonNullable<RelayDependencies['handoff']>['wants'];
  /**
   * How many more deliveries the deliverer can hold, asked before each step: 0 and the relay waits
   * (the outbox is the backlog) until onRoom; else the step takes at most that many events.
   */
  room(): number;
  accept(deliveries: ClaimedDelivery[]): void;
}

export interface RelayLoopOptions extends RelayOptions {
  /** Safety-net interval: a lost or coalesced-away nudge delays events by at most this. */
  sweepIntervalMs: number;
  /**
   * After events moved, keep looking every `busyPollMs` until nothing has moved for this long: a
   * writer that committed just after our last claim had its nudge coalesced into the one we served
   * (at most one nudge per interval), so while events flow the relay looks for them itself.
   */
  lingerMs: number;
  busyPollMs: number;
}

/** Runs the relay on nudges and on a sweep timer; never two passes at once in this process. */
export class RelayLoop {
  private running = false;
  private active: Promise<void> | undefined;
  private again = false;
  private sweepTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private lastMovedAt = 0;

  private readonly relayDeps: RelayDependencies;

  constructor(
    private readonly deps: Omit<RelayDependencies, 'handoff'> & {
      onError: (error: unknown) => void;
      onRelayed?: (result: RelayResult) => void;
      handoff?: RelayHandoff;
    },
    private readonly options: RelayLoopOptions,
  ) {
    const handoff = deps.handoff;
    this.relayDeps = handoff
      ? { ...deps, handoff: { leaseMs: handoff.leaseMs, wants: handoff.wants } }
      : deps;
  }

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
          // The deliverer nudges the relay again once it has room.
          const room = this.deps.handoff ? this.deps.handoff.room() : this.options.batchSize;
          if (room <= 0) return;
          const batchSize = Math.min(this.options.batchSize, room);
          const result = await relayOutbox(this.relayDeps, { ...this.options, batchSize });
          if (result.handedOff?.length) this.deps.handoff?.accept(result.handedOff);
          if (result.claimed > 0) {
            moved = true;
            this.deps.onRelayed?.(result);
          }
          if (result.claimed < batchSize || !this.running) break;
        }
      } catch (error) {
        this.deps.onError(error);
        return;
      }
    } while (this.again && this.running);
    if (moved) this.lastMovedAt = Date.now();
    if (this.running && Date.now() - this.lastMovedAt < this.options.lingerMs) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = setTimeout(() => this.nudge(), this.options.busyPollMs);
    }
  }
}
