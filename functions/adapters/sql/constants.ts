/** How `sql/migrations` are recorded and serialized, by the local runner and the deploy-time one alike. */
export const MIGRATIONS = {
  /** Arbitrary but fixed: every Rowhook process migrating the same database serializes on it. */
  lockKey: 7262010,
  table: 'rowhook.schema_migrations',
  filePattern: /^(\d{4})_[a-z0-9_]+\.sql$/,
} as const;
