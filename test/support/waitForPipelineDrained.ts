import type { Database } from '../../functions/adapters/pg/Database.ts';

export interface DrainOptions {
  /**
   * Count a delivery to the marker's endpoints that failed and waits for a retry not due yet as
   * processed (for tests whose failed attempts retry long after the test ends). Off: every such
   * delivery must be delivered, dead or discarded.
   */
  acceptScheduledRetries?: boolean;
  timeoutMs?: number;
}

interface DrainState {
  marker_found: boolean;
  unpublished: number;
  in_flight_or_due: number;
  unfinished_at_marker_endpoints: number;
  marker_unfinished: number;
}

/**
 * Waits until the local pipeline has processed everything committed up to the marker event (an
 * outbox event the test wrote last, in a transaction of its own):
 *  - the relay has published the marker and every outbox row of a transaction that began before
 *    the marker's (a transaction that committed before the marker's began got the smaller id);
 *  - no delivery of those events is in flight or due;
 *  - those going to the marker's endpoints are delivered, dead or discarded (see
 *    `acceptScheduledRetries`), and so are the marker's own.
 * After this, every webhook the pipeline was going to send for those events has been sent.
 *
 * The ONE place tests read the relay's and the delivery engine's bookkeeping (outbox published
 * flags, delivery states and leases): a change to those tables changes this function only.
 */
export async function waitForPipelineDrained(
  db: Database,
  markerEventId: string,
  options: DrainOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [state] = await db.query<DrainState>(
      `with marker as (select txid from rowhook.outbox where id = $1),
            upto as (select o.id, o.published_at from rowhook.outbox o, marker m where o.txid <= m.txid),
            deliveries as (select d.* from rowhook.deliveries d join upto u on u.id = d.event_id),
            finished as (select id from deliveries where state in ('delivered', 'dead', 'discarded')),
            waiting as (select id from deliveries where state = 'pending' and not leased and next_attempt_at > now())
       select exists (select 1 from marker) as marker_found,
              (select count(*) from upto where published_at is null)::int as unpublished,
              (select count(*) from deliveries
                where id not in (select id from finished) and id not in (select id from waiting))::int
                as in_flight_or_due,
              (select count(*) from deliveries
                where endpoint_id in (select endpoint_id from deliveries where event_id = $1)
                  and id not in (select id from finished)
                  and not ($2 and id in (select id from waiting)))::int as unfinished_at_marker_endpoints,
              (select count(*) from deliveries
                where event_id = $1 and id not in (select id from finished))::int as marker_unfinished`,
      [markerEventId, options.acceptScheduledRetries === true],
    );
    if (
      state?.marker_found &&
      state.unpublished +
        state.in_flight_or_due +
        state.unfinished_at_marker_endpoints +
        state.marker_unfinished ===
        0
    )
      return;
    if (Date.now() > deadline) {
      throw new Error(
        `the pipeline did not drain up to marker event ${markerEventId} within ${timeoutMs} ms: ${JSON.stringify(state)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
