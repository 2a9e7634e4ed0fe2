import type { FlatEvent, FlatValue, SubRule } from './nodes.ts';

type Membership = ReadonlyMap<number, number>;

/**
 * Matches an event against the pattern's alternatives the way event-ruler's ACFinder does
 * (software/amazon/event/ruler/ACFinder.java, array-consistent matching): an alternative matches if each of its
 * fields, taken in sorted order, has a value that passes one of its tests, and no two chosen values sit in
 * different elements of the same array. `exists: false` holds when the field has no value consistent with the
 * values chosen for the fields before it in that order (NameState.getNameTransitions), so whether a value
 * in another array element counts depends on which fields sort earlier, exactly as in EventBridge.
 */
export function matchFilter(alternatives: readonly SubRule[], event: FlatEvent): boolean {
  return alternatives.some((alternative) => matchAlternative(alternative, event));
}

function matchAlternative(fields: SubRule, event: FlatEvent): boolean {
  // Arrays can offer many candidate values per field; remember dead ends so each is explored once.
  const failed = new Set<string>();
  const search = (index: number, membership: Membership): boolean => {
    const field = fields[index];
    if (field === undefined) return true;
    const memo = `${index}|${[...membership].sort(([a], [b]) => a - b).join(';')}`;
    if (failed.has(memo)) return false;
    const values = event.get(field.path) ?? [];
    if (
      field.absent &&
      !values.some((value) => consistent(membership, value.membership)) &&
      search(index + 1, membership)
    ) {
      return true;
    }
    for (const value of values) {
      if (consistent(membership, value.membership) && passes(field.tests, value)) {
        if (search(index + 1, merged(membership, value.membership))) return true;
      }
    }
    failed.add(memo);
    return false;
  };
  return search(0, new Map());
}

function passes(tests: readonly ((value: FlatValue) => boolean)[], value: FlatValue): boolean {
  return tests.some((test) => test(value));
}

/** ArrayMembership.checkArrayConsistency: no array may be entered at two different elements. */
function consistent(a: Membership, b: Membership): boolean {
  for (const [array, element] of b) {
    const other = a.get(array);
    if (other !== undefined && other !== element) return false;
  }
  return true;
}

function merged(a: Membership, b: Membership): Membership {
  if (b.size === 0) return a;
  return new Map([...a, ...b]);
}
