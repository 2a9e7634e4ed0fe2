import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFailure } from '../../functions/core/failures/classifyFailure.ts';
import { ERROR_CLASS, type ErrorClass } from '../../functions/core/retry/constants.ts';
import { decideAfterAttempt } from '../../functions/core/retry/decideAfterAttempt.ts';
import { parseRetrySchedule } from '../../functions/core/retry/parseRetrySchedule.ts';
import { attemptDelivery } from '../../functions/pipeline/attemptDelivery.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

/**
 * The failure class of a dead letter has two implementations: classifyFailure (DynamoDB adapters)
 * and rowhook.failure_class() (PostgreSQL, migration 0005). Both must read the reasons the
 * deliverer actually writes the same way.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const schedule = parseRetrySchedule('1s');
const now = new Date('2026-12-01T10:00:00Z');

/** The dead settlement's status and reason for an outcome, as decideAfterAttempt words it. */
function deadReason(outcome: Parameters<typeof decideAfterAttempt>[0]['outcome']) {
  const decision = decideAfterAttempt({ attemptsMade: 2, outcome, schedule, now, random: () => 0.5 });
  if (decision.kind !== 'dead') throw new Error(`expected dead, got ${decision.kind}`);
  return decision.reason;
}

/** What attemptDelivery settles with before any request, for a disabled endpoint or a missing secret. */
async function refusal(endpoint: { enabled: boolean; disabledReason: string | null }, secrets: string[]) {
  const delivery = {
    id: 'd',
    eventId: 'e',
    endpointId: 'ep',
    tenantId: 't',
    eventType: 'x.y',
    body: '{}',
    attempt: 1,
    receipt: 'r',
  };
  const result = await attemptDelivery(
    {
      sender: { send: async () => ({ ok: false, errorClass: 'other', message: '', latencyMs: 0 }) },
      schedule,
      now: () => now,
      random: () => 0.5,
    } as never,
    delivery,
    {
      id: 'ep',
      tenantId: 't',
      url: 'https://example.com',
      description: '',
      eventTypes: null,
      filter: null,
      createdAt: now,
      updatedAt: now,
      ...endpoint,
    },
    secrets,
  );
  const settlement = result.settlement as { status: number | null; error: string };
  return { status: settlement.status, error: settlement.error };
}

async function sqlClass(status: number | null, error: string | null) {
  const [row] = await database.db.query<{ c: string }>('select rowhook.failure_class($1, $2) as c', [
    status,
    error,
  ]);
  return row?.c;
}

describe('failure classes', () => {
  const cases: {
    name: string;
    make: () => Promise<{ status: number | null; error: string }> | { status: number | null; error: string };
    expected: string;
  }[] = [
    {
      name: 'HTTP 500 exhausted',
      make: () => ({ status: 500, error: deadReason({ kind: 'response', status: 500 }) }),
      expected: 'http_500',
    },
    {
      name: 'HTTP 410 gone',
      make: () => ({ status: 410, error: deadReason({ kind: 'response', status: 410 }) }),
      expected: 'http_410',
    },
    ...(Object.values(ERROR_CLASS) as ErrorClass[]).map((errorClass) => ({
      name: `${errorClass} error`,
      make: () => ({
        status: null,
        error: deadReason({ kind: 'error', errorClass, detail: 'details (with parentheses)' }),
      }),
      expected: errorClass,
    })),
    {
      name: 'endpoint disabled',
      make: () => refusal({ enabled: false, disabledReason: 'receiver answered HTTP 410' }, ['x']),
      expected: 'endpoint_disabled',
    },
    {
      name: 'no signing secret',
      make: () => refusal({ enabled: true, disabledReason: null }, []),
      expected: 'no_secret',
    },
    {
      name: 'anything else',
      make: () => ({ status: null, error: 'something unforeseen' }),
      expected: 'other',
    },
  ];

  it.each(cases)('$name → $expected in TypeScript and in SQL', async ({ make, expected }) => {
    const { status, error } = await make();
    expect(classifyFailure(status, error)).toBe(expected);
    expect(await sqlClass(status, error)).toBe(expected);
  });
});
