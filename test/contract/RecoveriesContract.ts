import { describe, expect, it } from 'vitest';
import type { Recoveries, RecoveryJobs } from '../../functions/ports/Recoveries.ts';

/** One runtime's resend and recover, with what it takes to set up events and see what it re-sent. */
export interface RecoveriesHarness {
  recoveries: Recoveries & RecoveryJobs;
  /** A new enabled endpoint of `tenantId` (tenants `acme` and `globex` exist) for these types. */
  endpoint(tenantId: string, eventTypes: string[]): Promise<string>;
  /** Events of `tenantId`, published through (or as) the runtime's relay, already delivered once; ids in outbox order. */
  delivered(tenantId: string, types: string[]): Promise<string[]>;
  /** Event ids sent again to this endpoint so far, in the order they were queued. */
  resent(endpointId: string): Promise<string[]>;
}

const WINDOW = () => ({ since: new Date(Date.now() - 3_600_000), until: new Date(Date.now() + 60_000) });

/**
 * What the API promises of resend and recover, whatever the runtime: the local delivery store
 * (PgRecoveries) and the AWS outbox + delivery queue (RdsDataRecoveries) alike.
 */
export function recoveriesContract(name: string, harness: () => RecoveriesHarness) {
  describe(`${name} satisfies Recoveries and RecoveryJobs`, () => {
    it('resends one delivered event under its id, and only to its own tenant', async () => {
      const h = harness();
      const endpoint = await h.endpoint('acme', ['orders.created']);
      const [id, otherType] = await h.delivered('acme', ['orders.created', 'users.created']);
      const [foreign] = await h.delivered('globex', ['orders.created']);
      if (!id || !otherType || !foreign) throw new Error('no events');
      expect(await h.recoveries.resend({ tenantId: 'acme' }, endpoint, id)).toMatchObject({
        kind: 'queued',
        eventId: id,
        endpointId: endpoint,
      });
      expect(await h.recoveries.resend({ tenantId: 'globex' }, endpoint, id)).toEqual({
        kind: 'unknown_endpoint',
      });
      expect(await h.recoveries.resend({ tenantId: 'acme' }, endpoint, foreign)).toEqual({
        kind: 'unknown_event',
      });
      expect(await h.recoveries.resend({ tenantId: 'acme' }, endpoint, otherType)).toEqual({
        kind: 'not_matched',
      });
      expect(await h.resent(endpoint)).toEqual([id]);
    });

    it('recovers every matched event of the window in order, batch by batch, until done', async () => {
      const h = harness();
      const endpoint = await h.endpoint('acme', ['orders.*']);
      const ids = await h.delivered('acme', [
        'orders.created',
        'users.created',
        'orders.paid',
        'orders.created',
      ]);
      await h.delivered('globex', ['orders.created']);
      const matched = [ids[0], ids[2], ids[3]];
      const started = await h.recoveries.start({ tenantId: 'acme' }, endpoint, WINDOW());
      if (started.kind !== 'started') throw new Error(started.kind);
      expect(started.job).toMatchObject({ status: 'running', total: 3, sent: 0, endpointId: endpoint });
      let batches = 0;
      while (await h.recoveries.runBatch(2)) batches++;
      expect(batches).toBe(2);
      expect(await h.resent(endpoint)).toEqual(matched);
      expect(await h.recoveries.get({ tenantId: 'acme' }, started.job.id)).toMatchObject({
        status: 'done',
        total: 3,
        sent: 3,
      });
      expect(await h.recoveries.get({ tenantId: 'globex' }, started.job.id)).toBeUndefined();
      expect(await h.recoveries.start({ tenantId: 'globex' }, endpoint, WINDOW())).toEqual({
        kind: 'unknown_endpoint',
      });
    });
  });
}
