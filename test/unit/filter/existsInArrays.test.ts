import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../functions/core/filter/compileFilter.ts';

// event-ruler ACFinder.java / NameState.getNameTransitions(Event, ArrayMembership): fields are visited in
// sorted order, and `exists: false` holds when no value of the field is array-consistent with the values
// already chosen for the fields that sort before it. So a value in another array element defeats it only when
// nothing earlier has pinned the element.
describe('exists: false inside array elements', () => {
  const oneGift = { items: [{ sku: 'a' }, { sku: 'b', gift: true, wrap: true }] };

  it('is defeated by the field in any element when it sorts first ("items.gift" < "items.sku")', () => {
    const filter = compileFilter({ items: { sku: ['a'], gift: [{ exists: false }] } });
    expect(filter.matches(oneGift)).toBe(false);
    expect(filter.matchesJson(JSON.stringify(oneGift))).toBe(false);
    expect(filter.matches({ items: [{ sku: 'a' }, { sku: 'b' }] })).toBe(true);
  });

  it('only looks in the element already chosen when it sorts after ("items.sku" < "items.wrap")', () => {
    const filter = compileFilter({ items: { sku: ['a'], wrap: [{ exists: false }] } });
    expect(filter.matches(oneGift)).toBe(true);
    expect(filter.matches({ items: [{ sku: 'a', wrap: true }] })).toBe(false);
    expect(filter.matches({ items: [{ sku: 'a', wrap: true }, { sku: 'a' }] })).toBe(true);
  });

  it('sees a value outside the array whatever element was chosen', () => {
    const filter = compileFilter({ items: { sku: ['a'] }, note: [{ exists: false }] });
    expect(filter.matches({ items: [{ sku: 'a' }], note: 'x' })).toBe(false);
    expect(filter.matches({ items: [{ sku: 'a' }] })).toBe(true);
  });

  it('holds for a field that appears in no element', () => {
    const filter = compileFilter({ items: { gift: [{ exists: false }] } });
    expect(filter.matches(oneGift)).toBe(false);
    expect(filter.matches({ items: [{ sku: 'a' }, { sku: 'b' }] })).toBe(true);
    expect(filter.matches({ items: [] })).toBe(true);
  });
});
