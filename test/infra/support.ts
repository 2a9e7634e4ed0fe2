import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseConfig, type RowhookConfigInput } from '../../infra/lib/config.ts';
import { createStacks, type RowhookStack } from '../../infra/lib/createStacks.ts';

export interface Synthesized {
  stack: RowhookStack;
  template: Template;
}

const cache = new Map<string, Synthesized>();

/**
 * The stack exactly as `infra/bin/app.ts` builds it, minus asset bundling (the
 * `aws:cdk:bundling-stacks` context set to no stacks), so no esbuild run and no network.
 */
export function synth(overrides: Partial<RowhookConfigInput> = {}): Synthesized {
  const key = JSON.stringify(overrides);
  const cached = cache.get(key);
  if (cached) return cached;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const { stack } = createStacks(app, parseConfig({ stage: 'test', ...overrides }));
  const result = { stack, template: Template.fromStack(stack) };
  cache.set(key, result);
  return result;
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export function resourcesOf(template: Template): Resources {
  return template.toJSON().Resources as Resources;
}
