/**
 * Event-type subscription rule, as Svix users expect plus one convenience: an entry is either an
 * exact type (`orders.created`) or a prefix wildcard (`orders.*`, matching `orders.created` and
 * `orders.line.updated`). `null` subscribes to everything.
 */
export function matchesEventType(eventTypes: readonly string[] | null, type: string): boolean {
  if (eventTypes === null) return true;
  for (const entry of eventTypes) {
    if (entry === type) return true;
    if (entry.endsWith('.*') && type.startsWith(entry.slice(0, -1))) return true;
  }
  return false;
}
