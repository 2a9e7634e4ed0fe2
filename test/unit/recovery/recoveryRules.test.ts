import { describe, expect, it } from 'vitest';
import type { ApiDependencies } from '../../../functions/api/ApiDependencies.ts';
import { hashSecret } from '../../../functions/api/auth.ts';
import { createApp } from '../../../functions/api/createApp.ts';
import { checkRecoveryWindow } from '../../../functions/core/recovery/checkRecoveryWindow.ts';
import { RecoveryInputError } from '../../../functions/core/recovery/errors.ts';
import { eventTime } from '../../../functions/core/recovery/eventTime.ts';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const at = (iso: string) => new Date(iso);

describe('checkRecoveryWindow', () => {
  it('ends the window now when until is left out or later than now', () => {
    expect(checkRecoveryWindow(at('2026-12-01T10:00:00Z'), undefined, NOW)).toEqual({
      since: at('2026-12-01T10:00:00Z'),
      until: NOW,
    });
    expect(checkRecoveryWindow(at('2026-12-01T10:00:00Z'), at('2026-12-02T00:00:00Z'), NOW).until).toEqual(
      NOW,
    );
    expect(checkRecoveryWindow(at('2026-12-01T10:00:00Z'), at('2026-12-01T11:00:00Z'), NOW).until).toEqual(
      at('2026-12-01T11:00:00Z'),
    );
  });

  it('refuses a since not in the past and an until not after since', () => {
    expect(() => checkRecoveryWindow(NOW, undefined, NOW)).toThrow(RecoveryInputError);
    expect(() => checkRecoveryWindow(at('2026-12-01T11:00:00Z'), at('2026-12-01T11:00:00Z'), NOW)).toThrow(
      /must be later than since/,
    );
  });
});

describe('eventTime', () => {
  it('reads the milliseconds of a UUIDv7', () => {
    const ms = Date.parse('2026-12-01T12:00:00.123Z');
    const hex = ms.toString(16).padStart(12, '0');
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8)}-7abc-8def-0123456789ab`;
    expect(eventTime(uuid)?.toISOString()).toBe('2026-12-01T12:00:00.123Z');
  });

  it('says nothing for an id that is not a UUIDv7', () => {
    expect(eventTime('6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d')).toBeUndefined();
    expect(eventTime('not-a-uuid')).toBeUndefined();
  });
});

describe('resend and recover where nothing runs them (the API Lambda)', () => {
  const app = createApp({
    adminTokenHash: hashSecret('admin-token-0123456789'),
    subscriptions: { findTenantIdByApiKeyHash: async () => undefined },
    log: () => {},
  } as unknown as ApiDependencies);
  const admin = { authorization: 'Bearer admin-token-0123456789', 'content-type': 'application/json' };

  it('answers 501 with a pointer to the docs, and documents the routes all the same', async () => {
    for (const [method, path, body] of [
      ['POST', '/v1/endpoints/ep_1/events/evt_0190a0a0a0a07000800000000000000a/resend', undefined],
      ['POST', '/v1/endpoints/ep_1/recover', JSON.stringify({ since: '2026-12-01T10:00:00Z' })],
      ['GET', '/v1/recoveries/rcv_0190a0a0a0a07000800000000000000a', undefined],
    ] as const) {
      const response = await app.request(path, { method, headers: admin, body });
      expect(response.status, path).toBe(501);
      expect(await response.json()).toMatchObject({
        error: { code: 'not_implemented', message: expect.stringContaining('docs/deploy.md') },
      });
    }
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/endpoints/{id}/events/{eventId}/resend',
        '/v1/endpoints/{id}/recover',
        '/v1/recoveries/{id}',
      ]),
    );
  });
});
