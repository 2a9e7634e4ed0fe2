import { FILTER_LIMITS } from './constants.ts';
import { InvalidFilterError } from './errors.ts';
import type { Alternative } from './expandPattern.ts';

const STAR = -1;
/** Bounds the compile-time search; a field whose worst case needs more states than this is refused too. */
const MAX_STATE_SETS = 50_000;

interface NameStateNode {
  readonly machines: Map<string, FieldMachine>;
}

interface FieldMachine {
  /** Wildcard patterns in this field's byte machine, by the condition they were written in. */
  readonly wildcards: Map<string, readonly string[]>;
  readonly next: Map<string, NameStateNode>;
}

/**
 * Refuses a filter whose wildcards EventBridge would call too complex. event-ruler builds one byte machine per
 * field and per state reached by the fields before it (keys in sorted order, alternatives sharing states), and
 * MachineComplexityEvaluator scores each machine by the most wildcard-pattern prefixes one value can keep alive
 * at once: "*a*a*a*" scores 7 for "aaa", as "*", "*a", "*a*", ..., "*a*a*a*" all still match. This rebuilds
 * that grouping and score (over UTF-8 bytes, with `*` able to match nothing) and refuses a score above
 * FILTER_LIMITS.maxWildcardComplexity with EventBridge's advice.
 */
export function checkWildcardComplexity(alternatives: readonly Alternative[], path: string): void {
  if (!alternatives.some((alternative) => [...alternative.values()].flat().some(hasWildcards))) return;
  const root: NameStateNode = { machines: new Map() };
  for (const alternative of alternatives) {
    let states = [root];
    for (const field of [...alternative.keys()].sort()) {
      const next = new Set<NameStateNode>();
      for (const state of states) {
        const machine = machineFor(state, field);
        let last: NameStateNode | undefined;
        for (const { condition, written } of alternative.get(field) ?? []) {
          if (condition.kind === 'test' && condition.wildcards?.length) {
            machine.wildcards.set(written, condition.wildcards);
          }
          const existing = machine.next.get(written);
          if (existing === undefined) {
            last ??= { machines: new Map() };
            machine.next.set(written, last);
          } else {
            last = existing;
          }
          next.add(last);
        }
      }
      states = [...next];
    }
  }
  for (const [field, machine] of allMachines(root)) {
    if (complexity(machine.wildcards) > FILTER_LIMITS.maxWildcardComplexity) {
      throw new InvalidFilterError(
        path,
        `the wildcards on ${JSON.stringify(field)} are too complex (more than ` +
          `${FILTER_LIMITS.maxWildcardComplexity} wildcard prefixes can match one value at once); use fewer ` +
          'wildcard characters or fewer repeating character sequences after a wildcard character, e.g. a prefix ' +
          'instead of a leading "*", as EventBridge refuses such a rule as too complex',
      );
    }
  }
}

function hasWildcards(written: { condition: { kind: string; wildcards?: readonly string[] } }): boolean {
  return (written.condition.wildcards?.length ?? 0) > 0;
}

function machineFor(state: NameStateNode, field: string): FieldMachine {
  let machine = state.machines.get(field);
  if (machine === undefined) {
    machine = { wildcards: new Map(), next: new Map() };
    state.machines.set(field, machine);
  }
  return machine;
}

function* allMachines(root: NameStateNode): Generator<[string, FieldMachine]> {
  const seen = new Set<NameStateNode>();
  const pending = [root];
  for (let state = pending.pop(); state !== undefined; state = pending.pop()) {
    if (seen.has(state)) continue;
    seen.add(state);
    for (const [field, machine] of state.machines) {
      yield [field, machine];
      pending.push(...machine.next.values());
    }
  }
}

interface Glob {
  readonly owner: string;
  readonly tokens: readonly number[];
}

/** The most prefixes of the machine's wildcard patterns that one value can match at once. */
function complexity(wildcards: ReadonlyMap<string, readonly string[]>): number {
  const globs: Glob[] = [];
  for (const [owner, patterns] of wildcards) {
    for (const pattern of new Set(patterns)) globs.push({ owner, tokens: wildcardTokens(pattern) });
  }
  if (globs.length === 0) return 0;
  const alphabet = [...new Set(globs.flatMap((glob) => glob.tokens.filter((token) => token !== STAR)))];
  alphabet.push(256); // stands for every byte no pattern names
  const start = closure(
    globs,
    globs.map((_, index) => [index, 0] as const),
  );
  const seen = new Set<string>();
  const pending = [start];
  let worst = 0;
  for (let active = pending.pop(); active !== undefined; active = pending.pop()) {
    const key = active.map(([glob, position]) => `${glob}:${position}`).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_STATE_SETS) return Number.POSITIVE_INFINITY;
    worst = Math.max(worst, score(globs, active));
    if (worst > FILTER_LIMITS.maxWildcardComplexity) return worst;
    for (const byte of alphabet) {
      const next = step(globs, active, byte);
      if (next.length > 0) pending.push(next);
    }
  }
  return worst;
}

type Position = readonly [glob: number, position: number];

function step(globs: readonly Glob[], active: readonly Position[], byte: number): Position[] {
  const next: Position[] = [];
  for (const [index, position] of active) {
    const tokens = globs[index]?.tokens ?? [];
    if (position > 0 && tokens[position - 1] === STAR) next.push([index, position]);
    if (tokens[position] === byte) next.push([index, position + 1]);
  }
  return closure(globs, next);
}

/** Adds the positions past a `*`, which may match nothing, and orders the set so equal sets compare equal. */
function closure(globs: readonly Glob[], positions: readonly Position[]): Position[] {
  const all = new Map<string, Position>();
  for (let [index, position] of positions) {
    all.set(`${index}:${position}`, [index, position]);
    while (globs[index]?.tokens[position] === STAR) {
      position++;
      all.set(`${index}:${position}`, [index, position]);
    }
  }
  return [...all.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** Counts live prefixes; prefixes before any `*` are shared by the patterns of one condition, as in the machine. */
function score(globs: readonly Glob[], active: readonly Position[]): number {
  const prefixes = new Set<string>();
  for (const [index, position] of active) {
    const glob = globs[index];
    if (glob === undefined || position === 0) continue;
    const firstStar = glob.tokens.indexOf(STAR);
    const shared = firstStar < 0 || position <= firstStar + 1;
    prefixes.add(
      shared ? `${glob.owner}\u0000${glob.tokens.slice(0, position).join(',')}` : `${index}:${position}`,
    );
  }
  return prefixes.size;
}

/** The pattern as UTF-8 bytes with STAR for each unescaped `*` (escapes were validated when compiling). */
function wildcardTokens(pattern: string): number[] {
  const tokens: number[] = [];
  const encoder = new TextEncoder();
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern.charAt(index);
    if (char === '*') {
      tokens.push(STAR);
      continue;
    }
    if (char === '\\') {
      tokens.push(pattern.charCodeAt(++index));
      continue;
    }
    const text = String.fromCodePoint(pattern.codePointAt(index) ?? 0);
    index += text.length - 1;
    tokens.push(...encoder.encode(text));
  }
  return tokens;
}
