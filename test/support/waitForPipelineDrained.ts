import type { Database } from '../../functions/adapters/pg/Database.ts';

interface DrainState {
  marker_found: boolean;
  unpublished: number;
  in_flight_or_due: number;
  marker_unfinished: number;
}

/**
 * Waits until the local pipeline has processed everything committed up to the marker event (an
 * outbox event the test wrote last, in a transaction of its own):
 *  - the relay has published the marker and every outbox row of a transaction that began before
 *    the marker's (a transaction that committed before the marker's began got the smaller id);
 *  - no delivery of those events is in flight or due: each is finished (delivered, dead,
 *    discarded) or waits for a retry that is not due yet;
 *  - the marker's own deliveries are finished.
 * After this, a webhook that was going to be sent for anything before the marker has been sent.
 *
 * The ONE place tests read the relay's and the delivery engine's bookkeeping (outbox published
 * flags, delivery states and leases): a change to those tables changes this function only.
 */
export async function waitForPipelineDrained(
  db: Database,
  markerEventId: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [state] = await db.query<DrainState>(
      `with marker as (select txid from rowhook.outbox where id = $1),
            upto as (select o.id, o.published_at from rowhook.outbox o, marker m where o.txid <= m.txid)
       select exists (select 1 from marker) as marker_found,
              (select count(*) from upto where published_at is null)::int as unpublished,
              (select count(*) from rowhook.deliveries d join upto u on u.id = d.event_id
                where d.state = 'pending' and (d.leased or d.next_attempt_at <= now()))::int as in_flight_or_due,
              (select count(*) from rowhook.deliveries d
                where d.event_id = $1 and d.state not in ('delivered', 'dead', 'discarded'))::int as marker_unfinished`,
      [markerEventId],
    );
    if (
      state?.marker_found &&
      state.unpublished === 0 &&
      state.in_flight_or_due === 0 &&
      state.marker_unfinished === 0
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
