import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LocalRuntimeError } from './errors.ts';
import { isProcessRunning } from './isProcessRunning.ts';

const LOCK_FILE = 'runtime.json';

/**
 * One runtime per data folder: a second `npm start` on the same embedded cluster would otherwise
 * take the first one's database away from it. A lock left by a killed run is taken over.
 */
export async function acquireRuntimeLock(
  dataDir: string,
): Promise<{ release(): Promise<void>; note(apiUrl: string): Promise<void> }> {
  const file = path.join(dataDir, LOCK_FILE);
  const existing = await readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as { pid?: number; apiUrl?: string })
    .catch(() => undefined);
  if (existing?.pid && existing.pid !== process.pid && (await isProcessRunning(existing.pid, 'node'))) {
    throw new LocalRuntimeError(
      `Rowhook is already running from ${dataDir} (pid ${existing.pid}${existing.apiUrl ? `, API ${existing.apiUrl}` : ''}). ` +
        'Stop it first, or give this one its own ROWHOOK_DATA_DIR.',
    );
  }
  const write = (apiUrl?: string) => writeFile(file, `${JSON.stringify({ pid: process.pid, apiUrl })}\n`);
  await write();
  return {
    note: (apiUrl: string) => write(apiUrl),
    release: () => rm(file, { force: true }),
  };
}
