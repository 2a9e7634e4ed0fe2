import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { resolveHostWithin } from '../adapters/dns/resolveHostWithin.ts';
import { UndiciSender } from '../adapters/http/UndiciSender.ts';
import { meterAttempts } from '../adapters/metrics/meterAttempts.ts';
import { meterSettlements } from '../adapters/metrics/meterSettlements.ts';
import { PgGaugeSource } from '../adapters/metrics/PgGaugeSource.ts';
import { PrometheusMetrics } from '../adapters/metrics/PrometheusMetrics.ts';
import { Database } from '../adapters/pg/Database.ts';
import { applyMigrations } from '../adapters/pg/migrate.ts';
import { PgDeadLetters } from '../adapters/pg/PgDeadLetters.ts';
import { PgDeliveryLog } from '../adapters/pg/PgDeliveryLog.ts';
import { DELIVERY_WAKEUP_CHANNEL, PgDeliveryQueue } from '../adapters/pg/PgDeliveryQueue.ts';
import { PgDeliveryStats } from '../adapters/pg/PgDeliveryStats.ts';
import { PgEndpointHealth } from '../adapters/pg/PgEndpointHealth.ts';
import { PgEventFeed } from '../adapters/pg/PgEventFeed.ts';
import { PgEvents } from '../adapters/pg/PgEvents.ts';
import { PgFailedEvents } from '../adapters/pg/PgFailedEvents.ts';
import { PgListener } from '../adapters/pg/PgListener.ts';
import { PgOperationalEvents } from '../adapters/pg/PgOperationalEvents.ts';
import { PgOutboxSource } from '../adapters/pg/PgOutboxSource.ts';
import { PgPortalSessions } from '../adapters/pg/PgPortalSessions.ts';
import { PgRecoveries } from '../adapters/pg/PgRecoveries.ts';
import { PgRetentionStore } from '../adapters/pg/PgRetentionStore.ts';
import { PgSecretStore } from '../adapters/pg/PgSecretStore.ts';
import { PgSubscriptionStore } from '../adapters/pg/PgSubscriptionStore.ts';
import { PgTenantData } from '../adapters/pg/PgTenantData.ts';
import { hashSecret } from '../api/auth.ts';
import { createApp } from '../api/createApp.ts';
import { SecretCipher } from '../core/crypto/SecretCipher.ts';
import { AddressPolicy } from '../core/network/AddressPolicy.ts';
import { RECOVERY_LIMITS } from '../core/recovery/constants.ts';
import { DeliveryWorker } from '../pipeline/DeliveryWorker.ts';
import { EndpointMatcher } from '../pipeline/EndpointMatcher.ts';
import { ensureOperatorEndpoint } from '../pipeline/ensureOperatorEndpoint.ts';
import { RecoveryLoop } from '../pipeline/RecoveryLoop.ts';
import { RelayLoop } from '../pipeline/RelayLoop.ts';
import { RetentionLoop } from '../pipeline/RetentionLoop.ts';
import { InvalidConfigError } from './errors.ts';
import type { RuntimeConfig } from './loadConfig.ts';
import { NO_SEAMS, type PipelineSeams } from './PipelineSeams.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MIGRATIONS_DIR = path.join(ROOT, 'sql/migrations');
export const LOCAL_SQL_DIR = path.join(ROOT, 'sql/local');
/** The name the capture SQL invokes; locally the shim turns it into a NOTIFY we listen for. */
export const RELAY_FUNCTION_NAME = 'rowhook-relay';
const INVOKE_CHANNEL = 'aws_lambda_invoke';

export interface LocalRuntime {
  apiUrl: string;
  db: Database;
  relay: RelayLoop;
  worker: DeliveryWorker;
  stop(): Promise<void>;
}

export type Logger = (entry: Record<string, unknown>) => void;

/** Prepares the database (migrations, local aws_lambda shim) without starting the pipeline. */
export async function prepareDatabase(db: Database, nudgeIntervalMs: number): Promise<void> {
  await applyMigrations(db, MIGRATIONS_DIR);
  const [real] = await db.query("select 1 from pg_extension where extname = 'aws_lambda'");
  if (!real) {
    await applyMigrations(db, LOCAL_SQL_DIR, 'rowhook.local_migrations');
    await db.query('insert into aws_lambda.local_functions values ($1) on conflict do nothing', [
      RELAY_FUNCTION_NAME,
    ]);
  }
  await db.query('update rowhook.settings set relay_function = $1, nudge_interval_ms = $2', [
    RELAY_FUNCTION_NAME,
    nudgeIntervalMs,
  ]);
}

/** Wires the PostgreSQL adapters into the relay, the delivery worker and the HTTP API. */
export async function createLocalRuntime(
  config: RuntimeConfig & { databaseUrl: string; adminToken: string },
  log: Logger,
  options: {
    /** Tests move the deliverer's clock (e.g. days ahead, for auto-disable) without waiting. */
    now?: () => Date;
    /** Tests wrap the pipeline's parts (chaos: crash between two steps). */
    seams?: PipelineSeams;
  } = {},
): Promise<LocalRuntime> {
  // main.ts falls back to the key file; a caller without either has nothing to seal secrets with.
  if (!config.secretKey) {
    throw new InvalidConfigError('no secret key: set ROWHOOK_SECRET_KEY (base64 of 32 random bytes)');
  }
  const deliveryCa = readDeliveryCa(config.deliveryCaFile);
  const db = new Database({ connectionString: config.databaseUrl, maxConnections: 20 });
  await prepareDatabase(db, config.nudgeIntervalMs);
  // The relay's and the worker's bookkeeping (publish, claim, attempt log, settle): commits that do
  // not wait for the WAL flush. A PostgreSQL crash can lose the last fraction of a second of it,
  // which only means deliveries are sent again with the same webhook-id (at-least-once); the
  // writers' events and everything the API changes stay on synchronous commits.
  const pipelineDb = new Database({
    connectionString: config.databaseUrl,
    maxConnections: 10,
    applicationName: 'rowhook-pipeline',
    synchronousCommit: false,
  });

  const subscriptions = new PgSubscriptionStore(db);
  const secrets = new PgSecretStore(db, {
    cipher: new SecretCipher(config.secretKey),
    previousCipher: config.previousSecretKey && new SecretCipher(config.previousSecretKey),
    onUnreadable: (endpointId, error) =>
      log({ level: 'error', msg: `a signing secret cannot be used: ${error.message}`, endpointId }),
  });
  // Before the pipeline starts: a wrong key stops start-up here, with a message saying which key.
  const sealing = await secrets.sealAtRest().catch(async (error: unknown) => {
    await Promise.all([db.close(), pipelineDb.close()]);
    throw error;
  });
  if (sealing.sealed + sealing.resealed > 0) log({ msg: 'encrypted stored signing secrets', ...sealing });
  const seams = options.seams ?? NO_SEAMS;
  const outbox = seams.outbox(new PgOutboxSource(pipelineDb));
  const queue = seams.queue(
    new PgDeliveryQueue(pipelineDb, { endpointConcurrency: config.endpointConcurrency }),
  );
  const deliveryLog = new PgDeliveryLog(db);
  const metrics = new PrometheusMetrics(new PgGaugeSource(db));
  const deadLetters = new PgDeadLetters(db);
  const operationalEvents = new PgOperationalEvents(db, {
    operatorEndpoint: await ensureOperatorEndpoint(subscriptions, secrets, config.operatorWebhook),
  });
  const addressPolicy = new AddressPolicy(config.allowedNetworks);
  const onError = (error: unknown) =>
    log({ level: 'error', msg: String((error as Error)?.message ?? error) });

  const sender = seams.sender(
    new UndiciSender({
      policy: addressPolicy,
      connectTimeoutMs: config.connectTimeoutMs,
      totalTimeoutMs: config.deliveryTimeoutMs,
      snippetBytes: 1024,
      connectionsPerOrigin: 50,
      userAgent: 'Rowhook/0.1 (+https://www.standardwebhooks.com)',
      receiverSecrets: (endpointId) => secrets.receiverSecrets(endpointId),
      extraCaCertificates: deliveryCa,
    }),
  );
  const worker = new DeliveryWorker(
    {
      // Metered here, not in the worker: deliveries by outcome and attempt latency for /metrics.
      queue: meterSettlements(queue, metrics),
      subscriptions,
      secrets,
      log: meterAttempts(new PgDeliveryLog(pipelineDb), metrics),
      sender,
      schedule: config.retrySchedule,
      now: options.now ?? (() => new Date()),
      random: Math.random,
      onError,
      health: { health: new PgEndpointHealth(db), operationalEvents, disableAfterMs: config.disableAfterMs },
      together: (work) => pipelineDb.transaction(work),
      onRoom: () => relay.nudge(),
      onTaken: (deliveries) => seams.taken(deliveries),
    },
    {
      concurrency: config.concurrency,
      // Longer than the attempt timeout, so a live attempt is never handed out twice; after a
      // crash, its deliveries are retried once the lease runs out.
      leaseMs: 2 * config.deliveryTimeoutMs + 1_000,
      // An attempt started this late (measured from before its lease began) still ends, timeout
      // included, half a timeout and a second before its lease does.
      startWithinMs: Math.max(config.deliveryTimeoutMs / 2, 250),
      pollIntervalMs: config.pollIntervalMs,
      // Outcomes wait up to 20 ms to be written together: fewer, larger statements. Only the
      // bookkeeping waits; the next attempts do not.
      flushSize: 200,
      flushDelayMs: 20,
      endpointConcurrency: config.endpointConcurrency,
    },
  );
  const relay = new RelayLoop(
    {
      outbox,
      subscriptions,
      queue,
      matcher: new EndpointMatcher(),
      onError,
      // Fresh deliveries go to this process's worker in memory, leased to it in the relay's commit.
      handoff: worker.handoff(),
    },
    {
      batchSize: config.relayBatchSize,
      maxEventBytes: config.maxEventBytes,
      sweepIntervalMs: config.sweepIntervalMs,
      lingerMs: Math.max(2 * config.nudgeIntervalMs, 20),
      busyPollMs: Math.min(5, Math.max(1, config.nudgeIntervalMs)),
    },
  );
  const listener = new PgListener(
    config.databaseUrl,
    { [INVOKE_CHANNEL]: () => relay.nudge(), [DELIVERY_WAKEUP_CHANNEL]: () => worker.wake() },
    onError,
    () => {
      relay.nudge();
      worker.wake();
    },
  );
  // Purges on the API's pool, not the pipeline's: its short batches never hold a pipeline connection.
  const retention = new RetentionLoop(
    {
      store: new PgRetentionStore(db),
      now: () => new Date(),
      onError,
      onPass: (totals) => {
        if (totals.deliveries + totals.events > 0) log({ msg: 'purged expired data', ...totals });
      },
    },
    { retentionMs: config.retentionMs, intervalMs: config.purgeIntervalMs, batchSize: 500, pauseMs: 10 },
  );
  // Recover jobs: on the synchronous-commit pool, so a committed batch's position survives a crash.
  const recoveries = new PgRecoveries(db);
  const recoveryLoop = new RecoveryLoop(
    { jobs: seams.recoveries?.(recoveries) ?? recoveries, onError },
    {
      batchSize: config.recoveryBatchSize ?? RECOVERY_LIMITS.defaultBatchSize,
      pollIntervalMs: config.pollIntervalMs,
    },
  );
  await listener.start();
  relay.start();
  worker.start();
  retention.start();
  recoveryLoop.start();

  const app = createApp({
    subscriptions,
    secrets,
    deadLetters,
    deliveryLog,
    failedEvents: new PgFailedEvents(db),
    operationalEvents,
    outbox: new PgOutboxSource(db),
    events: new PgEvents(db),
    eventFeed: new PgEventFeed(db),
    tenantData: new PgTenantData(db),
    adminTokenHash: hashSecret(config.adminToken),
    addressPolicy,
    resolveHost: resolveHostWithin(2_000),
    requireHttps: config.production,
    secretOverlapMs: config.secretOverlapMs,
    onOutboxWrite: () => relay.nudge(),
    log,
    metrics: { exposition: metrics, public: config.metricsPublic },
    portalSessions: new PgPortalSessions(db),
    deliveryStats: new PgDeliveryStats(db),
    recoveries: { store: recoveries, onStarted: () => recoveryLoop.nudge() },
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    // Requests Node's HTTP parser refuses (unknown methods, malformed headers) never reach the app:
    // answer them with the same JSON error shape instead of an empty 400.
    s.on('clientError', (error: NodeJS.ErrnoException, socket: import('node:stream').Duplex) => {
      if (!socket.writable) return socket.destroy();
      const body = JSON.stringify({
        error: {
          code: 'bad_request',
          message: `the request could not be parsed as HTTP (${error.code ?? 'malformed'})`,
        },
      });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new InvalidConfigError(
          error.code === 'EADDRINUSE'
            ? `ROWHOOK_PORT=${config.port}: ${config.host}:${config.port} is already in use; choose another port`
            : `ROWHOOK_HOST=${config.host} / ROWHOOK_PORT=${config.port}: cannot listen there (${error.code ?? error.message})`,
          { cause: error },
        ),
      ),
    );
  }).catch(async (error: unknown) => {
    await Promise.all([relay.stop(), worker.stop(), listener.stop(), retention.stop(), recoveryLoop.stop()]);
    await sender.close();
    await Promise.all([db.close(), pipelineDb.close()]);
    throw error;
  });
  const address = server.address() as AddressInfo;
  const apiUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    apiUrl,
    db,
    relay,
    worker,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await retention.stop();
      await recoveryLoop.stop();
      await relay.stop();
      await worker.stop();
      await listener.stop();
      await sender.close();
      await Promise.all([db.close(), pipelineDb.close()]);
    },
  };
}

/** ROWHOOK_DELIVERY_CA_FILE's certificates; a file that cannot be read stops start-up, naming it. */
function readDeliveryCa(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidConfigError(
      `ROWHOOK_DELIVERY_CA_FILE: cannot read ${file}: ${(error as Error).message}`,
    );
  }
}
