import pg from 'pg';

/**
 * LISTENs on channels with its own connection and reconnects after a server restart. NOTIFY is
 * only a wake-up: callers also poll, so notifications missed while reconnecting cost latency only.
 */
export class PgListener {
  private client: pg.Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connectionString: string,
    private readonly handlers: Record<string, (payload: string) => void>,
    private readonly onError: (error: unknown) => void,
    private readonly onReconnect: () => void = () => {},
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'rowhook-listener',
    });
    client.on('notification', (message) => this.handlers[message.channel]?.(message.payload ?? ''));
    // A client that failed or was replaced may still report its end: only the live one reconnects.
    const lost = () => {
      if (this.client === undefined || this.client === client) this.scheduleReconnect();
    };
    client.on('error', (error) => {
      this.onError(error);
      lost();
    });
    client.on('end', lost);
    try {
      await client.connect();
      for (const channel of Object.keys(this.handlers))
        await client.query(`listen ${client.escapeIdentifier(channel)}`);
    } catch (error) {
      // The server went away between connecting and listening: don't leave the half-set-up client open.
      await client.end().catch(() => {});
      throw error;
    }
    this.client = client;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer) return;
    this.client = undefined;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = undefined;
      try {
        await this.connect();
        this.onReconnect();
      } catch (error) {
        this.onError(error);
        this.scheduleReconnect();
      }
    }, 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => {});
  }
}
