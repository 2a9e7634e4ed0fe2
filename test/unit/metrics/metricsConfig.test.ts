import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/local/loadConfig.ts';

describe('ROWHOOK_METRICS_PUBLIC', () => {
  it('defaults to false: /metrics needs the admin token', () => {
    expect(loadConfig({}).metricsPublic).toBe(false);
  });

  it('accepts true and false', () => {
    expect(loadConfig({ ROWHOOK_METRICS_PUBLIC: 'true' }).metricsPublic).toBe(true);
    expect(loadConfig({ ROWHOOK_METRICS_PUBLIC: 'false' }).metricsPublic).toBe(false);
  });

  it('refuses anything else with a message naming the variable', () => {
    expect(() => loadConfig({ ROWHOOK_METRICS_PUBLIC: 'yes' })).toThrow(
      /ROWHOOK_METRICS_PUBLIC="yes" must be "true".*or "false"/,
    );
  });
});
