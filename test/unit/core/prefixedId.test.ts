import { describe, expect, it } from 'vitest';
import { fromPublicId, newRandomId, toPublicId } from '../../../functions/core/ids/prefixedId.ts';

describe('public ids', () => {
  const uuid = '01937a4c-9b2e-7c3d-8f1a-2b3c4d5e6f70';

  it('round-trips a UUID through its prefixed form', () => {
    const id = toPublicId('evt', uuid);
    expect(id).toBe('evt_01937a4c9b2e7c3d8f1a2b3c4d5e6f70');
    expect(fromPublicId('evt', id)).toBe(uuid);
  });

  it.each([
    'dlv_01937a4c9b2e7c3d8f1a2b3c4d5e6f70',
    'evt_xyz',
    'evt_',
    '01937a4c9b2e7c3d8f1a2b3c4d5e6f70',
    'evt_01937a4c9b2e7c3d8f1a2b3c4d5e6f7',
  ])('refuses %s as an event id', (candidate) => {
    expect(fromPublicId('evt', candidate)).toBeUndefined();
  });

  it('keeps time order: later UUIDv7 sort later as public ids', () => {
    const earlier = toPublicId('evt', '01937a4c-9b2e-7c3d-8f1a-2b3c4d5e6f70');
    const later = toPublicId('evt', '01937a4c-9b2f-7000-8000-000000000000');
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });

  it('makes distinct random ids with the prefix', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newRandomId('ep')));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^ep_[0-9a-f]{24}$/);
  });
});
