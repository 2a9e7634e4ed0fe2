import type pg from 'pg';
import { randomInt } from './seededRandom.ts';

/**
 * Keeps writing to a tracked table until stopped: multi-row transactions that commit, some with a
 * rolled-back savepoint inside, and whole transactions that roll back. Remembers which row ids
 * were committed (each must be delivered) and which were rolled back (none may be).
 */
export class WriteLoad {
  readonly committed = new Set<number>();
  readonly rolledBack = new Set<number>();
  private nextId = 1;
  private running = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: pg.Client,
    private readonly table: string,
    private readonly tenantId: string,
    private readonly random: () => number,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  // A modest rate (~15 committed rows a second): the point is writes landing across kills, not volume.
  private async run(): Promise<void> {
    while (this.running) {
      await this.transaction(this.client);
      await new Promise((resolve) => setTimeout(resolve, randomInt(this.random, 50, 200)));
    }
  }

  private async transaction(client: pg.Client): Promise<void> {
    const ids = this.take(randomInt(this.random, 1, 4));
    const roll = this.random();
    await client.query('begin');
    await this.insert(client, ids);
    if (roll < 0.2) {
      await client.query('rollback');
      for (const id of ids) this.rolledBack.add(id);
      return;
    }
    if (roll < 0.4) {
      const undone = this.take(randomInt(this.random, 1, 3));
      await client.query('savepoint s');
      await this.insert(client, undone);
      await client.query('rollback to savepoint s');
      for (const id of undone) this.rolledBack.add(id);
    }
    await client.query('commit');
    for (const id of ids) this.committed.add(id);
  }

  private take(count: number): number[] {
    const ids = Array.from({ length: count }, (_, i) => this.nextId + i);
    this.nextId += count;
    return ids;
  }

  private insert(client: pg.Client, ids: number[]) {
    return client.query(
      `insert into ${this.table} (id, tenant_id, note) select id, $2, 'row ' || id from unnest($1::int[]) id`,
      [ids, this.tenantId],
    );
  }
}
