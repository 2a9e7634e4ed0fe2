export const POSTGRES = {
  /** The account PostgreSQL runs as when Rowhook runs as root (PostgreSQL refuses to run as root). */
  user: 'postgres',
  /** What the postmaster logs once it accepts connections (in English: lc_messages is C). */
  readyMessage: 'database system is ready to accept connections',
  /** Message language for initdb and the server: the ready message above must match. */
  messagesLocale: 'C',
  startTimeoutMs: 120_000,
  /** Fast shutdown gets this long before an immediate one. */
  stopTimeoutMs: 30_000,
  /** Lines of server output kept for the message when it fails to start. */
  keptLogLines: 30,
  /** Prefix of the per-version, per-checkout copy of the binaries (see relocatePostgresBinaries). */
  binariesFolderPrefix: 'rowhook-postgres-',
  /** A half-made copy this old was left by a killed run, not one being made right now. */
  abandonedCopyMs: 10 * 60_000,
} as const;
