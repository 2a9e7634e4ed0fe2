import { describe, expect, it } from 'vitest';
import { configFromContext, parseConfig, RowhookConfigError } from '../../infra/lib/config.ts';

describe('deployment config', () => {
  it('fills defaults around the stage', () => {
    expect(parseConfig({ stage: 'dev' })).toMatchObject({
      stage: 'dev',
      replayWindowDays: 7,
      attemptRetentionDays: 30,
      deliverMaxConcurrency: 20,
      auroraMinAcu: 0.5,
      auroraMaxAcu: 4,
      deletionProtection: false,
    });
    expect(parseConfig({ stage: 'prod' }).deletionProtection).toBe(true);
  });

  it('parses -c values given as strings', () => {
    expect(
      configFromContext({
        'rowhook:stage': 'prod',
        'rowhook:replayWindowDays': '14',
        'rowhook:auroraMaxAcu': '8.5',
        'rowhook:deletionProtection': 'false',
        'aws:cdk:bundling-stacks': [],
      }),
    ).toMatchObject({ stage: 'prod', replayWindowDays: 14, auroraMaxAcu: 8.5, deletionProtection: false });
  });

  it.each([
    [{ stage: 'Prod!' }, 'rowhook:stage'],
    [{}, 'rowhook:stage is required'],
    [{ stage: 'dev', deliverMaxConcurrency: 1 }, 'rowhook:deliverMaxConcurrency must be at least 2'],
    [{ stage: 'dev', replayWindowDays: 'seven' }, 'rowhook:replayWindowDays must be a number'],
    [{ stage: 'dev', auroraMinAcu: 0.3 }, 'rowhook:auroraMinAcu must be a multiple of 0.5'],
    [
      { stage: 'dev', auroraMinAcu: 8, auroraMaxAcu: 4 },
      'rowhook:auroraMaxAcu must be at least rowhook:auroraMinAcu',
    ],
    [{ stage: 'dev', account: '123' }, 'rowhook:account must be a 12-digit AWS account id'],
    [{ stage: 'dev', deletionProtection: 'yes' }, 'rowhook:deletionProtection must be true or false'],
  ])('refuses %j naming the key', (raw, message) => {
    expect(() => parseConfig(raw as Record<string, unknown>)).toThrow(RowhookConfigError);
    expect(() => parseConfig(raw as Record<string, unknown>)).toThrow(message);
  });

  it('refuses an unknown rowhook: key instead of ignoring a typo', () => {
    expect(() => configFromContext({ 'rowhook:stage': 'dev', 'rowhook:replayWindow': '3' })).toThrow(
      /Unknown Rowhook deployment setting rowhook:replayWindow/,
    );
  });
});
