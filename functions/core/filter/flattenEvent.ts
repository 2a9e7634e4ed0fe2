import { numberText } from './comparableNumber.ts';
import { isPlainObject } from './isPlainObject.ts';
import type { FlatEvent, FlatValue } from './nodes.ts';

const EMPTY: FlatEvent = new Map();

/**
 * Flattens an event the way event-ruler's Event does (software/amazon/event/ruler/Event.java): each leaf value
 * is filed under its path joined with ".", so a key that itself contains a dot lands on the same field as the
 * nested form; each value remembers which element of every enclosing array it sits in. Arrays are crushed out of
 * the path and empty arrays and objects contribute nothing. An event that is not a JSON object has no fields.
 */
class Flattener {
  readonly fields = new Map<string, FlatValue[]>();
  #arrays = 0;
  readonly #path: string[] = [];
  readonly #membership = new Map<number, number>();

  enter(key: string): void {
    this.#path.push(key);
  }

  leave(): void {
    this.#path.pop();
  }

  /** Returns the id of a new array; elements that are objects or arrays are filed under (id, index). */
  newArray(): number {
    return this.#arrays++;
  }

  inElement(array: number, index: number, visit: () => void): void {
    this.#membership.set(array, index);
    visit();
    this.#membership.delete(array);
  }

  add(kind: FlatValue['kind'], text: string): void {
    const name = this.#path.join('.');
    const values = this.fields.get(name) ?? [];
    values.push({ kind, text, membership: new Map(this.#membership) });
    this.fields.set(name, values);
  }
}

let lastText: string | undefined;
let lastEvent: FlatEvent = EMPTY;

/**
 * Flattens an event body from its JSON text, keeping every number's digits: JSON.parse would round
 * 12345678901234567891 to the same double as 12345678901234567890, which EventBridge tells apart. The last body
 * is remembered because the relay matches one body against every endpoint's filter in turn.
 */
export function flattenJsonText(text: string): FlatEvent {
  if (text === lastText) return lastEvent;
  let event = EMPTY;
  try {
    if (isPlainObject(JSON.parse(text))) {
      const flattener = new Flattener();
      new JsonTextReader(text, flattener).readEvent();
      event = flattener.fields;
    }
  } catch {
    // Not JSON, or nested deeper than the stack allows: an event without fields, as for any non-object.
  }
  lastText = text;
  lastEvent = event;
  return event;
}

/** Flattens an already parsed event; its numbers are doubles, written as their shortest round-trip text. */
export function flattenValue(event: unknown): FlatEvent {
  if (!isPlainObject(event)) return EMPTY;
  const flattener = new Flattener();
  try {
    visitObject(event, flattener);
  } catch {
    return EMPTY;
  }
  return flattener.fields;
}

function visitObject(object: Record<string, unknown>, flattener: Flattener): void {
  for (const [key, value] of Object.entries(object)) {
    flattener.enter(key);
    visitValue(value, flattener, () => visitMember(value, flattener));
    flattener.leave();
  }
}

function visitMember(value: unknown, flattener: Flattener): void {
  if (Array.isArray(value)) visitArray(value, flattener);
  else if (isPlainObject(value)) visitObject(value, flattener);
}

function visitArray(array: readonly unknown[], flattener: Flattener): void {
  const id = flattener.newArray();
  array.forEach((element, index) => {
    visitValue(element, flattener, () =>
      flattener.inElement(id, index, () => visitMember(element, flattener)),
    );
  });
}

function visitValue(value: unknown, flattener: Flattener, visitContainer: () => void): void {
  if (typeof value === 'string') flattener.add('string', value);
  else if (typeof value === 'number') {
    if (Number.isFinite(value)) flattener.add('number', numberText(value));
  } else if (typeof value === 'boolean') flattener.add(value ? 'true' : 'false', String(value));
  else if (value === null) flattener.add('null', 'null');
  else visitContainer();
}

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\]|\\.)*"/y;

/** Walks JSON text already known to be valid (JSON.parse accepted it), reporting leaves with their source text. */
class JsonTextReader {
  #at = 0;
  readonly text: string;
  readonly flattener: Flattener;

  constructor(text: string, flattener: Flattener) {
    this.text = text;
    this.flattener = flattener;
  }

  readEvent(): void {
    this.#skip(WHITESPACE);
    this.#readObject();
  }

  #readObject(): void {
    this.#at++; // {
    while (this.#next() !== '}') {
      if (this.#next() === ',') this.#at++;
      this.#skip(WHITESPACE);
      const key = JSON.parse(this.#match(STRING)) as string;
      this.#next(); // whitespace
      this.#at++; // :
      this.flattener.enter(key);
      this.#readValue((visit) => visit());
      this.flattener.leave();
    }
    this.#at++;
  }

  #readArray(): void {
    const id = this.flattener.newArray();
    this.#at++; // [
    for (let index = 0; this.#next() !== ']'; index++) {
      if (this.#next() === ',') this.#at++;
      const elementIndex = index;
      this.#readValue((visit) => this.flattener.inElement(id, elementIndex, visit));
    }
    this.#at++;
  }

  #readValue(inElement: (visit: () => void) => void): void {
    const first = this.#next();
    if (first === '{') inElement(() => this.#readObject());
    else if (first === '[') inElement(() => this.#readArray());
    else if (first === '"') this.flattener.add('string', JSON.parse(this.#match(STRING)) as string);
    else if (first === 't' || first === 'f' || first === 'n') {
      const word = first === 't' ? 'true' : first === 'f' ? 'false' : 'null';
      this.#at += word.length;
      this.flattener.add(word, word);
    } else this.flattener.add('number', this.#match(NUMBER));
  }

  /** Skips whitespace and returns the next character without consuming it. */
  #next(): string {
    this.#skip(WHITESPACE);
    return this.text.charAt(this.#at);
  }

  #skip(pattern: RegExp): void {
    this.#match(pattern);
  }

  #match(pattern: RegExp): string {
    pattern.lastIndex = this.#at;
    const found = pattern.exec(this.text);
    const text = found?.[0] ?? '';
    this.#at += text.length;
    return text;
  }
}
