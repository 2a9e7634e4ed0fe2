import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret } from '../../../functions/core/signing/generateSecret.ts';
import { TestReceiver } from '../../support/TestReceiver.ts';
import { useBadInputRuntime } from './badInputSupport.ts';

const harness = useBadInputRuntime();

describe('secret rotation', () => {
  it('signs with both the old and the new secret during the overlap', async () => {
    const hook = await new TestReceiver().start();
    try {
      const created = await harness.api.createEndpoint(harness.tenant.apiKey, { url: hook.url });
      const oldSecret = created.secret;

      // Before rotation: one signature, from the only secret.
      expect(
        (await harness.api.call('POST', `/v1/endpoints/${created.id}/test`, harness.tenant.apiKey)).status,
      ).toBe(202);
      await expect.poll(() => hook.received.length).toBe(1);
      const first = hook.received[0];
      if (!first) throw new Error('no webhook');
      expect(String(first.headers['webhook-signature']).split(' ')).toHaveLength(1);
      new Webhook(oldSecret).verify(first.body, first.headers as Record<string, string>);

      const rotated = await harness.api.call(
        'POST',
        `/v1/endpoints/${created.id}/rotate-secret`,
        harness.tenant.apiKey,
      );
      expect(rotated.status).toBe(200);
      const newSecret: string = rotated.json.secret;
      expect(newSecret).toMatch(/^whsec_/);
      expect(newSecret).not.toBe(oldSecret);
      expect(Date.parse(rotated.json.previousSecretsExpireAt)).toBeGreaterThan(Date.now());
      expect(
        (await harness.api.call('GET', `/v1/endpoints/${created.id}/secret`, harness.tenant.apiKey)).json
          .secret,
      ).toBe(newSecret);

      expect(
        (await harness.api.call('POST', `/v1/endpoints/${created.id}/test`, harness.tenant.apiKey)).status,
      ).toBe(202);
      await expect.poll(() => hook.received.length).toBe(2);
      const second = hook.received[1];
      if (!second) throw new Error('no webhook');
      const signatures = String(second.headers['webhook-signature']).split(' ');
      expect(signatures).toHaveLength(2);
      for (const signature of signatures) expect(signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(new Set(signatures).size).toBe(2);

      const headers = second.headers as Record<string, string>;
      expect(new Webhook(oldSecret).verify(second.body, headers)).toMatchObject({ type: 'webhook.test' });
      expect(new Webhook(newSecret).verify(second.body, headers)).toMatchObject({ type: 'webhook.test' });
      // A secret the endpoint never had does not verify, so the two checks above mean something.
      expect(() => new Webhook(generateSecret()).verify(second.body, headers)).toThrow();
      // Each secret verifies with its own signature alone.
      for (const [secret, count] of [
        [oldSecret, 1],
        [newSecret, 1],
      ] as const) {
        const matching = signatures.filter((signature) => {
          try {
            new Webhook(secret).verify(second.body, { ...headers, 'webhook-signature': signature });
            return true;
          } catch {
            return false;
          }
        });
        expect(matching).toHaveLength(count);
      }
    } finally {
      await hook.stop();
    }
  });
});
