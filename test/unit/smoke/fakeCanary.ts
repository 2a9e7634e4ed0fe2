import type { CanaryPath } from '../../../functions/smoke/constants.ts';
import { API_UNAUTHORIZED, SmokeError } from '../../../functions/smoke/errors.ts';
import type {
  CanaryApi,
  CanaryDatabase,
  CanaryDelivery,
  CanaryRecords,
  CanaryTenant,
  Clock,
  DedicatedState,
} from '../../../functions/smoke/ports.ts';
import type { SmokeDependencies } from '../../../functions/smoke/runSmoke.ts';

/**
 * An in-memory deployed stack: the API keeps endpoints, the database "delivers" a committed row to
 * every endpoint after `latencyMs` of fake time, the way the receiver would record it. Each
 * behaviour can be bent per test (a path never arriving, a bad signature, a failing call).
 */
export class FakeCanary {
  time = 1_000_000;
  readonly calls: string[] = [];
  readonly endpoints = new Map<string, { url: string; transport: string }>();
  readonly deliveries: CanaryDelivery[] = [];
  rows = 0;
  tenant: CanaryTenant | null = null;
  tenantsCreated = 0;
  /** API keys the API no longer accepts (a kept tenant that was removed). */
  revokedKeys = new Set<string>();
  runs = new Map<string, Record<string, string>>();
  latencyMs: Partial<Record<CanaryPath, number>> = { pooled: 300, dedicated: 700 };
  invalid = new Set<CanaryPath>();
  dedicated: DedicatedState[] = [
    { status: 'pending', reason: null },
    { status: 'active', reason: null },
  ];
  fail: Partial<Record<string, Error>> = {};
  private nextId = 1;

  private maybeFail(name: string) {
    this.calls.push(name);
    const error = this.fail[name];
    if (error) throw error;
  }

  readonly clock: Clock = {
    now: () => this.time,
    sleep: async (ms) => {
      this.time += ms;
    },
  };

  readonly api: CanaryApi = {
    createTenant: async (id) => {
      this.maybeFail('createTenant');
      this.tenantsCreated++;
      return { apiKey: `rwk_${id}` };
    },
    createEndpoint: async (apiKey, input) => {
      this.maybeFail(`createEndpoint:${input.transport}`);
      if (this.revokedKeys.has(apiKey))
        throw new SmokeError(API_UNAUTHORIZED, 'POST /v1/endpoints answered 401');
      const id = `ep_${this.nextId++}`;
      this.endpoints.set(id, { url: input.url, transport: input.transport });
      return { id, secret: `whsec_${id}` };
    },
    dedicatedState: async () => {
      this.maybeFail('dedicatedState');
      return (this.dedicated.length > 1 ? this.dedicated.shift() : this.dedicated[0]) ?? null;
    },
    deleteEndpoint: async (_apiKey, id) => {
      this.maybeFail(`deleteEndpoint:${id}`);
      this.endpoints.delete(id);
    },
  };

  readonly database: CanaryDatabase = {
    prepare: async () => this.maybeFail('prepare'),
    insertRow: async () => {
      this.maybeFail('insertRow');
      this.rows++;
      for (const { url } of this.endpoints.values()) {
        const path = url.split('/').at(-1) as CanaryPath;
        const latency = this.latencyMs[path];
        if (latency === undefined) continue;
        this.deliveries.push({
          path,
          receivedAt: this.time + latency,
          signatureValid: !this.invalid.has(path),
          webhookId: `msg_${path}`,
          reason: this.invalid.has(path) ? 'No matching signature found' : null,
        });
      }
    },
    deleteRows: async () => {
      this.maybeFail('deleteRows');
      this.rows = 0;
    },
  };

  readonly records: CanaryRecords = {
    keptTenant: async () => {
      this.maybeFail('keptTenant');
      return this.tenant;
    },
    keepTenant: async (tenant) => {
      this.maybeFail('keepTenant');
      this.tenant = tenant;
    },
    putRun: async (runId, secrets) => {
      this.maybeFail('putRun');
      this.runs.set(runId, { ...secrets });
    },
    // Only what has "arrived" by now, as the receiver's table would hold it.
    deliveries: async () => this.deliveries.filter((d) => d.receivedAt <= this.time),
    deleteRun: async (runId) => {
      this.maybeFail('deleteRun');
      this.runs.delete(runId);
    },
  };

  get dependencies(): SmokeDependencies {
    return { api: this.api, database: this.database, records: this.records, clock: this.clock };
  }
}
