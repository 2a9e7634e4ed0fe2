/**
 * What `rowhook` exits with. Scripts branch on these, so they never change meaning; `rowhook --help`
 * lists them.
 */
export const EXIT_CODES = {
  ok: 0,
  /** The API refused the request (a 4xx other than 404); its error message is printed. */
  refused: 1,
  /** Unknown command or flag, missing or malformed argument; the usage line is printed. */
  usage: 2,
  /** The API (or database) cannot be reached, answered 5xx, or did not answer in time. */
  unavailable: 3,
  /** The API answered 404: no such dead letter, endpoint, tenant or route. */
  notFound: 4,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export const CLI_DEFAULTS = {
  url: 'http://127.0.0.1:8080',
  /** Where `npm start` keeps the admin token and the embedded database URL (ROWHOOK_DATA_DIR overrides). */
  dataDir: '.rowhook',
  requestTimeoutMs: 30_000,
  /** Dead letters per POST of `dlq redrive --all`: small enough to show progress, large enough to be quick. */
  redriveBatch: 100,
  tailIntervalMs: 1_000,
  tailInitialLines: 10,
  /** Table cells longer than this are cut with an ellipsis; --json shows everything. */
  maxCellWidth: 48,
} as const;

export const ENV_VARS = {
  url: 'ROWHOOK_URL',
  token: 'ROWHOOK_TOKEN',
  dataDir: 'ROWHOOK_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
} as const;
