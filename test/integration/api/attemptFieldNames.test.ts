import { describe, expect, it } from 'vitest';
import { closedPortUrl } from '../../support/faultyReceiver.ts';
import { TEST_ADMIN_TOKEN, useTestRuntime } from '../../support/startTestRuntime.ts';

/**
 * An attempt's time is `attemptedAt` and its failure text `errorMessage` on every route. Routes that
 * named them `startedAt` or `error` before still send those, with equal values, for one release, and
 * the OpenAPI document marks them deprecated so generated clients warn.
 */

const harness = useTestRuntime();

type Attempt = Record<string, unknown> & { attempt: number };
type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; deprecated?: boolean };

/** Refused connections: every attempt fails with an error message, so equal values are not just nulls. */
async function deadLetterOfARefusedEndpoint() {
  const tenant = await harness.api.createTenant('attempt-names');
  const endpoint = await harness.api.createEndpoint(tenant.apiKey, { url: await closedPortUrl() });
  await harness.api.call('POST', `/v1/endpoints/${endpoint.id}/test`, tenant.apiKey);
  let deadLetterId = '';
  await expect
    .poll(
      async () => {
        const list = await harness.api.call(
          'GET',
          `/v1/dead-letters?tenantId=${tenant.id}`,
          TEST_ADMIN_TOKEN,
        );
        deadLetterId = list.json.items[0]?.id ?? '';
        return deadLetterId;
      },
      { timeout: 15_000 },
    )
    .not.toBe('');
  return { tenant, endpoint, deadLetterId };
}

const byAttempt = (items: Attempt[]) => [...items].sort((a, b) => a.attempt - b.attempt);

describe('attempt field names', () => {
  it('are attemptedAt and errorMessage on every route, with the old names sent alongside, equal', async () => {
    const { tenant, endpoint, deadLetterId } = await deadLetterOfARefusedEndpoint();
    const deliveries: Attempt[] = (
      await harness.api.call('GET', `/v1/endpoints/${endpoint.id}/deliveries`, tenant.apiKey)
    ).json.items;
    const tail: Attempt[] = (await harness.api.call('GET', '/v1/attempts?limit=100', tenant.apiKey)).json
      .items;
    const timeline: Attempt[] = (
      await harness.api.call('GET', `/v1/dead-letters/${deadLetterId}`, TEST_ADMIN_TOKEN)
    ).json.attemptsLog;

    for (const items of [deliveries, tail, timeline]) expect(items).toHaveLength(3);
    for (const a of deliveries) expect(a.error).toBe(a.errorMessage);
    for (const a of [...tail, ...timeline]) expect(a.startedAt).toBe(a.attemptedAt);
    for (const a of [...deliveries, ...tail, ...timeline]) {
      expect(a.attemptedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/));
      expect(a.errorMessage).toMatch(/ECONNREFUSED/);
    }
    // One attempt, one time and one message, whichever route shows it.
    const names = (items: Attempt[]) =>
      byAttempt(items).map((a) => ({
        attempt: a.attempt,
        attemptedAt: a.attemptedAt,
        errorMessage: a.errorMessage,
      }));
    expect(names(tail)).toEqual(names(deliveries));
    expect(names(timeline)).toEqual(names(deliveries));
  });

  it('are documented under the new names, the old ones marked deprecated', async () => {
    const doc = await (await fetch(`${harness.runtime.apiUrl}/openapi.json`)).json();
    const answer = (path: string): JsonSchema =>
      doc.paths[path].get.responses['200'].content['application/json'].schema;
    const attemptSchemas: [string, JsonSchema | undefined, string][] = [
      ['deliveries', answer('/v1/endpoints/{id}/deliveries').properties?.items?.items, 'error'],
      ['attempt tail', answer('/v1/attempts').properties?.items?.items, 'startedAt'],
      ['dead letter timeline', answer('/v1/dead-letters/{id}').properties?.attemptsLog?.items, 'startedAt'],
    ];
    for (const [route, schema, oldName] of attemptSchemas) {
      const properties = schema?.properties ?? {};
      expect(properties.attemptedAt, route).toBeDefined();
      expect(properties.errorMessage, route).toBeDefined();
      expect(properties.attemptedAt?.deprecated, route).toBeUndefined();
      expect(properties.errorMessage?.deprecated, route).toBeUndefined();
      expect(properties[oldName]?.deprecated, `${route}: ${oldName}`).toBe(true);
    }
  });
});
