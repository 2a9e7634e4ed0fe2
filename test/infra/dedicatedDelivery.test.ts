import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../infra/lib/config.ts';
import { type Resources, resourcesOf, synth } from './support.ts';

// Issue 12 §2: rowhook:dedicatedDelivery is opt-in (default off) and reaches the functions that route.
const switchOf = (resources: Resources, idPart: string) =>
  Object.entries(resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.includes(idPart))
    .map(
      ([, r]) =>
        (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
          ?.ROWHOOK_DEDICATED_DELIVERY,
    );

describe('rowhook:dedicatedDelivery', () => {
  it('defaults to off and parses the command line strings', () => {
    expect(parseConfig({ stage: 'dev' }).dedicatedDelivery).toBe(false);
    expect(parseConfig({ stage: 'dev', dedicatedDelivery: 'true' }).dedicatedDelivery).toBe(true);
    expect(() => parseConfig({ stage: 'dev', dedicatedDelivery: 'yes' })).toThrow(
      /rowhook:dedicatedDelivery/,
    );
  });

  it('is off in the relay, sweeper and sync by default, and on when asked for', () => {
    const byDefault = resourcesOf(synth().template);
    const optedIn = resourcesOf(synth({ dedicatedDelivery: true }).template);
    for (const name of ['FunctionsRelay', 'FunctionsSweeper', 'FunctionsSync']) {
      expect(switchOf(byDefault, name)).toEqual(['off']);
      expect(switchOf(optedIn, name)).toEqual(['on']);
    }
  });
});
