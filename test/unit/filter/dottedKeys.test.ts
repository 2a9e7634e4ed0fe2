import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../functions/core/filter/compileFilter.ts';

// event-ruler flattens rules (JsonRuleCompiler, Path.extendedName) and events (Event.java) by joining keys with
// ".", so a dotted key and the nested form address one field: README "Caveat: Compiled rules and JSON keys with
// dots". The last mention of a field wins, as the EventBridge user guide says for repeated keys ("if you include
// a key more than once the last reference will be the one used", Content filtering in event patterns).
describe('dotted keys', () => {
  const nested = { detail: { state: { status: 'running' } } };
  const dotted = { detail: { 'state.status': 'running' } };
  const flatTop = { 'detail.state.status': 'running' };

  it.each([
    ['nested pattern', { detail: { state: { status: ['running'] } } }],
    ['dotted pattern', { detail: { 'state.status': ['running'] } }],
    ['fully dotted pattern', { 'detail.state.status': ['running'] }],
  ])('a %s matches the nested, dotted and fully dotted events alike', (_name, pattern) => {
    const filter = compileFilter(pattern);
    expect(filter.matches(nested)).toBe(true);
    expect(filter.matches(dotted)).toBe(true);
    expect(filter.matches(flatTop)).toBe(true);
    expect(filter.matchesJson(JSON.stringify(dotted))).toBe(true);
    expect(filter.matches({ detail: { state: { status: 'stopped' } } })).toBe(false);
  });

  it('collects the values of the dotted and nested forms into one field', () => {
    const event = { 'a.b': 1, a: { b: 2 } };
    expect(compileFilter({ a: { b: [1] } }).matches(event)).toBe(true);
    expect(compileFilter({ 'a.b': [2] }).matches(event)).toBe(true);
    expect(compileFilter({ a: { b: [{ exists: false }] } }).matches(event)).toBe(false);
  });

  it('lets a later mention of the same field replace an earlier one', () => {
    const filter = compileFilter({ 'a.b': ['x'], a: { b: ['y'] } });
    expect(filter.matches({ a: { b: 'y' } })).toBe(true);
    expect(filter.matches({ a: { b: 'x' } })).toBe(false);
  });

  it('applies a field given after $or to every branch, replacing what a branch said about it', () => {
    // JsonRuleCompiler copies the alternatives built so far into each branch, then writes later fields into all.
    const filter = compileFilter({ $or: [{ 'a.b': ['x'] }, { c: ['z'] }], a: { b: ['y'] } });
    expect(filter.matches({ a: { b: 'x' } })).toBe(false);
    expect(filter.matches({ a: { b: 'y' } })).toBe(true);
    expect(filter.matches({ a: { b: 'y' }, c: 'q' })).toBe(true);
  });

  it('keeps array consistency between a dotted field and its nested sibling', () => {
    // ACFinder: fields of one alternative must come from the same array element, however they were spelled.
    const filter = compileFilter({ 'items.sku': ['A-1'], items: { qty: [2] } });
    expect(filter.matches({ items: [{ sku: 'A-1', qty: 2 }] })).toBe(true);
    expect(
      filter.matches({
        items: [
          { sku: 'A-1', qty: 1 },
          { sku: 'B-2', qty: 2 },
        ],
      }),
    ).toBe(false);
  });

  it('keeps array consistency across $or branches and the fields beside them', () => {
    const filter = compileFilter({ items: { sku: ['A-1'] }, $or: [{ items: { qty: [2] } }, { z: [1] }] });
    expect(
      filter.matches({
        items: [
          { sku: 'A-1', qty: 1 },
          { sku: 'B-2', qty: 2 },
        ],
      }),
    ).toBe(false);
    expect(filter.matches({ items: [{ sku: 'A-1', qty: 2 }] })).toBe(true);
  });
});
