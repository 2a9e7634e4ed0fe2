import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synth } from './support.ts';

/** Every `Validations.of(x).acknowledge()` in the tree: rule id → reason, with the construct path. */
function acknowledgments(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const found: Array<{ path: string; id: string; reason: string }> = [];
  const visit = (node: IConstruct) => {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: node.node.path, id, reason });
      }
    }
    for (const child of node.node.children) visit(child);
  };
  visit(root);
  return found;
}

describe('cdk-nag AwsSolutions', () => {
  for (const stage of ['test', 'prod']) {
    it(`reports no unacknowledged error or warning (stage ${stage})`, () => {
      const { stack } = synth({ stage });
      const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
      const findings = report.violations
        .filter((v) => v.severity === 'error' || v.severity === 'warning')
        .map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(findings).toEqual([]);
    });
  }

  it('gives every acknowledgment a reason written for Rowhook', () => {
    const acks = acknowledgments(synth().stack).filter((a) => a.id.includes('AwsSolutions-'));
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason, `${ack.id} at ${ack.path}`).toMatch(/\S{3,}/);
      expect(ack.reason.length, `${ack.id} at ${ack.path}: reason too short`).toBeGreaterThanOrEqual(80);
      expect(ack.reason, `${ack.id} at ${ack.path}: reason should say why for Rowhook`).toMatch(
        /Rowhook|rowhook|endpoint|relay|sync|Aurora|operator/,
      );
    }
  });

  it('acknowledges only the findings reviewed so far (add new ones here deliberately)', () => {
    const ids = [
      ...new Set(
        acknowledgments(synth().stack)
          .filter((a) => a.id.includes('AwsSolutions-'))
          .map((a) => a.id.replace(/\[.*\]$/, '[...]')),
      ),
    ].sort();
    expect(ids).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-IAM5[...]',
        'AwsSolutions-L1',
        'AwsSolutions-RDS10',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
      ].map((id) => expect.stringContaining(id)),
    );
    // Production keeps deletion protection, so it needs no RDS10 acknowledgment.
    const prodIds = acknowledgments(synth({ stage: 'prod' }).stack).map((a) => a.id);
    expect(prodIds.some((id) => id.includes('RDS10'))).toBe(false);
  });
});
