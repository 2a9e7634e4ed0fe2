import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Endpoint } from '../../functions/core/subscriptions/Endpoint.ts';
import type { OutboxWriter } from '../../functions/ports/OutboxSource.ts';
import type { NewEndpoint, Page, SubscriptionStore } from '../../functions/ports/SubscriptionStore.ts';

/**
 * Shared pieces of the port contracts. Every contract calls its `makeContext` before each test and
 * expects adapters over an EMPTY store (no events, deliveries, endpoints...), then calls the
 * context's `cleanup` after the test. An adapter family decides how to give that guarantee
 * (fresh tables, truncation, a new database...).
 */
export interface ContractContextBase {
  cleanup?(): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits for `parties` arrivals. `reached` REJECTS when they have not all arrived within `deadlineMs`:
 * a test that needs things to overlap fails when they ran one after the other, instead of carrying
 * on after a timeout as if they had met.
 */
export function latch(parties: number, deadlineMs: number, what: string) {
  let arrived = 0;
  let open!: () => void;
  let fail!: (error: Error) => void;
  const reached = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  const timer = setTimeout(
    () => fail(new Error(`${what}: ${arrived} of ${parties} arrived within ${deadlineMs} ms`)),
    deadlineMs,
  );
  return {
    reached,
    arrive() {
      if (++arrived === parties) {
        clearTimeout(timer);
        open();
      }
    },
  };
}

/** A short unique suffix so ids never collide across tests, even on a shared store. */
export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

export const apiKeyHash = (key: string) => createHash('sha256').update(key).digest();

/** Follows `nextCursor` to the end; fails instead of looping forever on a cursor that never ends. */
export async function collectPages<T>(
  fetchPage: (page: { limit: number; cursor: string | null }) => Promise<Page<T>>,
  limit: number,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let pages = 1; pages <= 1000; pages++) {
    const page: Page<T> = await fetchPage({ limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (page.nextCursor === null) return { items, pages };
    // A page that promises more must not be empty, or a client could spin on it.
    expect(page.items.length).toBeGreaterThan(0);
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end after 1000 pages');
}

/** Seeding a test needs; each adapter family can supply its own, or build them from ports below. */
export interface EndpointSeeder {
  /** Creates the tenant if needed, then an enabled endpoint of it with no filter. */
  endpoint(tenantId: string, endpointId?: string): Promise<Endpoint>;
}

export interface EventSeeder {
  /** A committed outbox event; returns its id. */
  event(event: { tenantId: string; type: string; body: string }): Promise<string>;
}

export type Seeder = EndpointSeeder & EventSeeder;

/** The default seeders, expressed through the SubscriptionStore and OutboxWriter ports. */
export function seedThroughPorts(ports: { subscriptions: SubscriptionStore; outbox: OutboxWriter }): Seeder {
  const tenants = new Set<string>();
  return {
    async endpoint(tenantId, endpointId = unique('ep')) {
      if (!tenants.has(tenantId)) {
        if (!(await ports.subscriptions.getTenant(tenantId))) {
          await ports.subscriptions.createTenant(
            { id: tenantId, name: `Tenant ${tenantId}`, tier: 'pooled' },
            apiKeyHash(`key-${tenantId}-${randomUUID()}`),
            'rh_test',
          );
        }
        tenants.add(tenantId);
      }
      const endpoint: NewEndpoint = {
        id: endpointId,
        tenantId,
        url: `https://example.com/hooks/${endpointId}`,
        description: '',
        eventTypes: null,
        filter: null,
        enabled: true,
      };
      return ports.subscriptions.createEndpoint(endpoint);
    },
    event(event) {
      return ports.outbox.append({ ...event, targetEndpointId: null });
    },
  };
}

/** Where the RDS Data API adapters point; the Data API fake ignores it but requires it, as AWS does. */
export const RDS_DATA_TARGET = {
  resourceArn: 'arn:aws:rds:eu-west-1:123456789012:cluster:test',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:test',
  database: 'rowhook',
} as const;

/**
 * Whether an adapter does what a contract case checks. One that cannot, by design, says why: the
 * contract then registers the case under a name saying so (checking how the adapter behaves
 * instead) or lists it in a test of its own, so every gap shows in the report and none is hidden.
 */
export type Capability = true | { unsupported: string };

/** The test-name suffix for a capability the adapter lacks. */
export const notSupportedBy = (adapter: string, capability: { unsupported: string }) =>
  `(not supported by ${adapter}: ${capability.unsupported})`;
