import { readFile } from 'node:fs/promises';

/**
 * Whether `pid` is alive and, where /proc tells, runs a program whose command line mentions
 * `program`: a pid from an old file may belong to something else by now.
 */
export async function isProcessRunning(pid: number, program: string): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return commandLine === undefined || commandLine.includes(program);
}
