/**
 * Builds a dependency on first use and keeps it for the life of the Lambda container: clients, pools
 * and caches survive across invocations, and importing a handler (in tests) wires nothing.
 */
export function lazy<T>(build: () => T): () => T {
  let value: { built: T } | undefined;
  return () => {
    value ??= { built: build() };
    return value.built;
  };
}
