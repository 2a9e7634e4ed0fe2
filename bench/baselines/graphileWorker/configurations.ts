// The two graphile-worker configurations the bench runs. `defaults` is the bench's original
// baseline: a job per delivery fetched and completed one at a time, synchronous commits. `tuned`
// is what graphile-worker's performance docs advise for throughput, at Rowhook's concurrency
// (ROWHOOK_CONCURRENCY's default) and with the same asynchronous commit Rowhook's relay and worker
// use for their bookkeeping (the writers enqueueing jobs stay synchronous, as Rowhook's do).
export const BASELINE_CONFIGURATIONS = {
  defaults: {
    label: 'defaults: concurrency 50, jobs fetched and completed one by one',
    concurrency: 50,
    maxPoolSize: 10,
    synchronousCommit: true,
    preset: null,
  },
  tuned: {
    label:
      'tuned: concurrency 200, localQueue 201, batched completion (0 ms), synchronous_commit=off for its pool',
    concurrency: 200,
    maxPoolSize: 10,
    synchronousCommit: false,
    // localQueue.size = concurrency + 1, as its release notes recommend as a starting point;
    // completeJobBatchDelay/failJobBatchDelay 0: complete whatever finished in the same tick together.
    preset: {
      localQueue: { size: 201 },
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
    },
  },
} as const;

export type BaselineMode = keyof typeof BASELINE_CONFIGURATIONS;
