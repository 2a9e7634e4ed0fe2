/**
 * Endpoint id → tenant id for warm Lambdas, so the deliverer's lookups by id usually take one
 * BatchGet instead of two. Bounded: past `capacity` the oldest entry goes (insertion order).
 */
export class EndpointTenantCache {
  private readonly entries = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  get(endpointId: string): string | undefined {
    return this.entries.get(endpointId);
  }

  has(endpointId: string): boolean {
    return this.entries.has(endpointId);
  }

  set(endpointId: string, tenantId: string): void {
    this.entries.delete(endpointId);
    this.entries.set(endpointId, tenantId);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(endpointId: string): boolean {
    return this.entries.delete(endpointId);
  }
}
