import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../functions/adapters/sql/constants.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface Import {
  /** The importing file, from the repository root. */
  file: string;
  /** As written: a package name, or a path resolved from the repository root. */
  target: string;
  /** The names taken, as written between the braces (empty for a bare or default import). */
  names: string[];
}

function sourceFiles(folder: string): string[] {
  return readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.posix.join(folder, name.split(path.sep).join('/')));
}

const IMPORT = /^(?:import|export)\s+(?:type\s+)?(?:[\w*\s,]*\{([^}]*)\}|[\w*\s,]+)?\s*from\s+'([^']+)'/gm;

function importsOf(folder: string): Import[] {
  return sourceFiles(folder).flatMap((file) =>
    [...readFileSync(path.join(ROOT, file), 'utf8').matchAll(IMPORT)].map(([, names = '', target = '']) => ({
      file,
      target: target.startsWith('.') ? path.posix.join(path.posix.dirname(file), target) : target,
      names: names
        .split(',')
        .map((name) => name.replace(/^\s*type\s+/, '').trim())
        .filter(Boolean),
    })),
  );
}

const describeImport = (i: Import) => `${i.file} -> ${i.target}${i.names.length ? ` {${i.names}}` : ''}`;

describe('module homes: which way imports point', () => {
  it('reads the imports it checks (an empty scan would pass every rule)', () => {
    const handlers = importsOf('functions/handlers');
    expect(handlers.some((i) => i.target === 'functions/handlers/respondToCloudFormation.ts')).toBe(true);
    expect(handlers.some((i) => i.target.startsWith('@aws-sdk/'))).toBe(true);
  });

  it('no AWS adapter imports a pg adapter: what both need lives in adapters/sql', () => {
    const offending = importsOf('functions/adapters/aws').filter((i) =>
      i.target.startsWith('functions/adapters/pg/'),
    );
    expect(offending.map(describeImport)).toEqual([]);
  });

  it('adapters/sql imports no driver and neither adapter family', () => {
    const offending = importsOf('functions/adapters/sql').filter(
      (i) =>
        i.target === 'pg' ||
        i.target.startsWith('@aws-sdk/') ||
        /^functions\/adapters\/(pg|aws)\//.test(i.target),
    );
    expect(offending.map(describeImport)).toEqual([]);
  });

  it('handlers make no vendor calls: from an AWS SDK they take clients only, never a command', () => {
    const offending = importsOf('functions/handlers').filter(
      (i) => i.target.startsWith('@aws-sdk/') && i.names.some((name) => !/Client$/.test(name)),
    );
    expect(offending.map(describeImport)).toEqual([]);
  });

  it('handlers map no table items or stream images themselves', () => {
    const offending = importsOf('functions/handlers').filter((i) =>
      /^functions\/adapters\/aws\/dynamo\/(\w+Items|unmarshallImage)\.ts$/.test(i.target),
    );
    expect(offending.map(describeImport)).toEqual([]);
  });

  it('neither the Lambdas nor the stack load the pg adapters (node-postgres is local-only)', () => {
    const offending = [...importsOf('functions/handlers'), ...importsOf('infra')].filter((i) =>
      i.target.startsWith('functions/adapters/pg/'),
    );
    expect(offending.map(describeImport)).toEqual([]);
  });

  it('the migration lock key has one home, which both migration runners import', () => {
    const literal = new RegExp(`\\b${MIGRATIONS.lockKey}\\b`);
    const holders = [...sourceFiles('functions'), ...sourceFiles('infra')].filter((file) =>
      literal.test(readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(holders).toEqual(['functions/adapters/sql/constants.ts']);
  });
});
