/** Returns a number in [0, 1), like Math.random; injected so jitter is deterministic in tests. */
export type RandomSource = () => number;
