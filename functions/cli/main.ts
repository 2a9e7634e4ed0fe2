import { runCli } from './runCli.ts';

// The `rowhook` command (functions/cli/rowhook.mjs loads this through tsx).
let interrupt: AbortController | undefined;

// `rowhook dlq ls | head`: a reader that went away is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  onInterrupt() {
    if (!interrupt) {
      const controller = new AbortController();
      interrupt = controller;
      // First Ctrl-C: finish cleanly (exit 0); a second one ends the process at once.
      process.once('SIGINT', () => {
        controller.abort();
        process.once('SIGINT', () => process.exit(130));
      });
    }
    return interrupt.signal;
  },
});
process.exitCode = code;
