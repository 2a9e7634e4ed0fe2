import type { OutboxEvent } from '../core/events/OutboxEvent.ts';
import { type CompiledFilter, compileFilter } from '../core/filter/index.ts';
import type { Endpoint } from '../core/subscriptions/Endpoint.ts';
import { matchesEventType } from '../core/subscriptions/matchesEventType.ts';

/**
 * Which endpoints receive an event: the endpoint's event types, then its payload filter.
 * Compiled filters are cached per endpoint version, so a batch compiles each filter at most once.
 */
export class EndpointMatcher {
  private readonly compiled = new Map<string, { version: number; filter: CompiledFilter }>();

  matches(endpoint: Endpoint, event: OutboxEvent, _parsedBody: () => unknown): boolean {
    if (event.targetEndpointId !== null) return event.targetEndpointId === endpoint.id;
    if (!endpoint.enabled || endpoint.tenantId !== event.tenantId) return false;
    if (!matchesEventType(endpoint.eventTypes, event.type)) return false;
    if (endpoint.filter === null) return true;
    // The body's text, not parsedBody(): EventBridge compares numbers by their digits, which JSON.parse rounds.
    return this.filterFor(endpoint).matchesJson(event.body);
  }

  private filterFor(endpoint: Endpoint): CompiledFilter {
    const version = endpoint.updatedAt.getTime();
    const cached = this.compiled.get(endpoint.id);
    if (cached && cached.version === version) return cached.filter;
    // Stored filters were validated when saved; a filter that no longer compiles matches nothing
    // rather than stalling the relay for every tenant.
    let filter: CompiledFilter;
    try {
      filter = compileFilter(endpoint.filter);
    } catch {
      filter = { matches: () => false, matchesJson: () => false };
    }
    this.compiled.set(endpoint.id, { version, filter });
    return filter;
  }
}
