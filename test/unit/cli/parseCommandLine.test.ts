import { describe, expect, it } from 'vitest';
import type { CommandSpec } from '../../../functions/cli/CommandSpec.ts';
import { COMMANDS } from '../../../functions/cli/commands.ts';
import { EXIT_CODES } from '../../../functions/cli/constants.ts';
import { UsageError } from '../../../functions/cli/errors.ts';
import { parseCommandLine } from '../../../functions/cli/parseCommandLine.ts';
import { parseIntFlag } from '../../../functions/cli/parseIntFlag.ts';
import { parseListFlag } from '../../../functions/cli/parseListFlag.ts';
import { parseTimeFlag } from '../../../functions/cli/parseTimeFlag.ts';

function run(argv: string[]) {
  const parsed = parseCommandLine(argv, COMMANDS);
  if (parsed.kind !== 'run') throw new Error(`expected a command, got ${parsed.kind}`);
  return { words: parsed.command.words.join(' '), values: parsed.values, positionals: parsed.positionals };
}

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv, COMMANDS);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('finds two-word and one-word commands with their options and arguments', () => {
    expect(run(['dlq', 'ls', '--tenant', 'acme', '--json'])).toEqual({
      words: 'dlq ls',
      values: { tenant: 'acme', json: true },
      positionals: [],
    });
    expect(run(['dlq', 'redrive', 'dlv_1', 'dlv_2'])).toMatchObject({ positionals: ['dlv_1', 'dlv_2'] });
    expect(run(['tail', '-n', '3'])).toMatchObject({ words: 'tail', values: { lines: '3' } });
    expect(run(['track', 'orders', '--tenant-column=tenant_id'])).toMatchObject({
      values: { 'tenant-column': 'tenant_id' },
      positionals: ['orders'],
    });
  });

  it('accepts global options before the command, in both --flag value and --flag=value forms', () => {
    expect(run(['--url', 'http://x:1', '--token=abc', '--json', 'tenants', 'ls'])).toMatchObject({
      words: 'tenants ls',
      values: { url: 'http://x:1', token: 'abc', json: true },
    });
  });

  it('answers help for --help anywhere, `help`, and a family without its subcommand', () => {
    expect(parseCommandLine(['--help'], COMMANDS)).toMatchObject({ kind: 'help' });
    expect(parseCommandLine(['help'], COMMANDS)).toMatchObject({ kind: 'help' });
    expect(parseCommandLine(['dlq', 'ls', '-h'], COMMANDS)).toMatchObject({
      kind: 'help',
      command: { words: ['dlq', 'ls'] },
    });
    expect(parseCommandLine(['dlq', '--help'], COMMANDS)).toMatchObject({ kind: 'help', family: 'dlq' });
  });

  it.each([
    [[], /missing command/],
    [['nope'], /unknown command "nope"/],
    [['dlq'], /missing subcommand: rowhook dlq ls\|show\|redrive\|discard\|summary/],
    [['dlq', 'lst'], /unknown subcommand "dlq lst"/],
    [['dlq', 'ls', '--tenat', 'x'], /unknown option --tenat/],
    [['dlq', 'ls', '--tenant'], /option --tenant needs a value/],
    [['dlq', 'ls', '--json=yes'], /option --json takes no value/],
    [['dlq', 'show'], /missing <id>/],
    [['dlq', 'show', 'a', 'b'], /unexpected argument "b"/],
    [['--bogus', 'dlq', 'ls'], /unknown option --bogus before the command/],
    [['--url'], /option --url needs a value/],
  ])('%j is a usage error (exit 2) saying %s', (argv, message) => {
    const error = usageError(argv);
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(EXIT_CODES.usage);
    expect(error.usage).toMatch(/^rowhook /);
  });

  it('gives every command a unique name, a usage line and a summary', () => {
    const names = COMMANDS.map((c: CommandSpec) => c.words.join(' '));
    expect(new Set(names).size).toBe(names.length);
    for (const command of COMMANDS) expect(command.summary.length).toBeGreaterThan(10);
  });
});

describe('flag values', () => {
  const now = new Date('2026-12-01T12:00:00.000Z');

  it('reads --since/--until as durations ago or ISO times (UTC when no zone is given)', () => {
    expect(parseTimeFlag('since', '2h', now)).toBe('2026-12-01T10:00:00.000Z');
    expect(parseTimeFlag('since', '7d', now)).toBe('2026-11-24T12:00:00.000Z');
    expect(parseTimeFlag('until', '2026-11-30', now)).toBe('2026-11-30T00:00:00.000Z');
    expect(parseTimeFlag('until', '2026-11-30T08:30:00', now)).toBe('2026-11-30T08:30:00.000Z');
    expect(parseTimeFlag('until', '2026-11-30T08:30:00+02:00', now)).toBe('2026-11-30T06:30:00.000Z');
  });

  it.each(['yesterday', '2h ago', '2026-13-45', '12:00', ''])(
    'refuses --since %j as a usage error',
    (text) => {
      expect(() => parseTimeFlag('since', text, now)).toThrow(/--since .*ISO-8601.*30m, 2h, 7d/);
    },
  );

  it('reads whole numbers within bounds', () => {
    expect(parseIntFlag('limit', undefined, 1, 100)).toBeUndefined();
    expect(parseIntFlag('limit', '100', 1, 100)).toBe(100);
    for (const bad of ['0', '101', '1.5', '-1', 'ten', '']) {
      expect(() => parseIntFlag('limit', bad, 1, 100)).toThrow(/--limit .*whole number from 1 to 100/);
    }
  });

  it('splits comma lists and refuses empty entries', () => {
    expect(parseListFlag('include', 'id, email ,total')).toEqual(['id', 'email', 'total']);
    expect(() => parseListFlag('include', 'id,,email')).toThrow(/--include .*without empty entries/);
  });
});
