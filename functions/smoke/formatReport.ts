import type { PathResult, SmokeReport } from './decideSmoke.ts';

const yesNo = (value: boolean | null) => (value === null ? '-' : value ? 'yes' : 'NO');

function line(r: PathResult): string {
  const latency = r.latencyMs === null ? '-' : `${r.latencyMs} ms`;
  const verdict = r.verified ? 'VERIFIED' : `FAILED (${r.problem})`;
  return `${r.path.padEnd(10)} delivered: ${yesNo(r.delivered).padEnd(4)} signature valid: ${yesNo(r.signatureValid).padEnd(4)} latency: ${latency.padEnd(9)} requests: ${r.requests}  ${verdict}`;
}

/** The human-readable report `npm run smoke` prints. */
export function formatReport(report: SmokeReport): string {
  const lines = [`Rowhook canary on ${report.stack} (run ${report.runId})`, ...report.results.map(line)];
  if (report.error) lines.push(`stopped: ${report.error}`);
  for (const problem of report.cleanupErrors) lines.push(`cleanup failed, remove by hand: ${problem}`);
  return lines.join('\n');
}
