import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../functions/core/signing/ed25519Keys.ts';
import type { SecretStore } from '../../functions/ports/SecretStore.ts';
import {
  type Capability,
  type ContractContextBase,
  type EndpointSeeder,
  notSupportedBy,
  sleep,
  unique,
} from './contractSupport.ts';

export interface SecretStoreContext extends ContractContextBase {
  secrets: SecretStore;
  /** Secrets belong to endpoints, which may have to exist first. */
  seed: EndpointSeeder;
}

export interface SecretStoreCapabilities {
  /** Keeping the write-only half of an API destination's auth (`putAuthSecret` / `authSecret`). */
  authSecrets: Capability;
}

const HOUR = 3_600_000;

export function secretStoreContract(
  name: string,
  makeContext: () => Promise<SecretStoreContext>,
  capabilities: SecretStoreCapabilities,
) {
  describe(`${name} satisfies SecretStore`, () => {
    let ctx: SecretStoreContext;
    let secrets: SecretStore;
    let tenantId: string;

    beforeEach(async () => {
      ctx = await makeContext();
      secrets = ctx.secrets;
      tenantId = unique('t');
    });
    afterEach(async () => {
      await ctx?.cleanup?.();
    });

    async function endpointWithSecret(secret: string) {
      const { id } = await ctx.seed.endpoint(tenantId);
      await secrets.create(id, secret);
      return id;
    }

    async function active(endpointId: string) {
      return (await secrets.activeSecrets([endpointId])).get(endpointId);
    }

    it('returns a created secret as the only active one', async () => {
      const id = await endpointWithSecret('whsec_first');
      const map = await secrets.activeSecrets([id]);
      expect([...map.entries()]).toEqual([[id, ['whsec_first']]]);
    });

    it('keys secrets per endpoint and leaves unknown endpoints out', async () => {
      const one = await endpointWithSecret('whsec_one');
      const two = await endpointWithSecret('whsec_two');
      const { id: bare } = await ctx.seed.endpoint(tenantId);

      const map = await secrets.activeSecrets([one, 'ep_unknown', two, bare]);
      expect(map.get(one)).toEqual(['whsec_one']);
      expect(map.get(two)).toEqual(['whsec_two']);
      expect(map.has('ep_unknown')).toBe(false);
      expect(map.get(bare) ?? []).toEqual([]);
      expect(new Set(map.keys())).toEqual(new Set([one, two, ...(map.has(bare) ? [bare] : [])]));

      expect((await secrets.activeSecrets([two])).has(one)).toBe(false);
      expect((await secrets.activeSecrets([])).size).toBe(0);
    });

    it('keeps the previous secret active during the overlap, newest first', async () => {
      const id = await endpointWithSecret('whsec_old');
      await secrets.rotate(id, 'whsec_new', HOUR);
      expect(await active(id)).toEqual(['whsec_new', 'whsec_old']);
      await secrets.rotate(id, 'whsec_newest', HOUR);
      expect(await active(id)).toEqual(['whsec_newest', 'whsec_new', 'whsec_old']);
    });

    it('keeps only the new secret when rotating with no overlap', async () => {
      const id = await endpointWithSecret('whsec_old');
      await secrets.rotate(id, 'whsec_mid', HOUR);
      await secrets.rotate(id, 'whsec_new', 0);
      expect(await active(id)).toEqual(['whsec_new']);
    });

    it('stops using the previous secret once the overlap has passed', async () => {
      const id = await endpointWithSecret('whsec_old');
      await secrets.rotate(id, 'whsec_new', 250);
      expect(await active(id)).toEqual(['whsec_new', 'whsec_old']);
      await sleep(400);
      expect(await active(id)).toEqual(['whsec_new']);
    });

    it('never brings an expired secret back with a later, longer overlap', async () => {
      const id = await endpointWithSecret('whsec_1');
      await secrets.rotate(id, 'whsec_2', 0);
      await secrets.rotate(id, 'whsec_3', HOUR);
      expect(await active(id)).toEqual(['whsec_3', 'whsec_2']);
    });

    it('deletes every secret of one endpoint, and nothing of another', async () => {
      const gone = await endpointWithSecret('whsec_gone');
      await secrets.rotate(gone, 'whsec_gone_2', HOUR);
      const kept = await endpointWithSecret('whsec_kept');
      await secrets.delete(gone);
      const map = await secrets.activeSecrets([gone, kept]);
      expect(map.has(gone)).toBe(false);
      expect(map.get(kept)).toEqual(['whsec_kept']);
      await expect(secrets.delete(gone)).resolves.toBeUndefined();
      await expect(secrets.delete('ep_unknown')).resolves.toBeUndefined();
    });

    const { authSecrets } = capabilities;
    if (authSecrets === true) {
      it('keeps an auth secret apart from the signing secrets, replaces it, and never returns another endpoint’s', async () => {
        const one = await endpointWithSecret('whsec_one');
        const two = await endpointWithSecret('whsec_two');
        expect(await secrets.authSecret(one)).toBeUndefined();
        await secrets.putAuthSecret(one, 'api-key-value');
        expect(await secrets.authSecret(one)).toBe('api-key-value');
        await secrets.putAuthSecret(one, 'api-key-value-2');
        expect(await secrets.authSecret(one)).toBe('api-key-value-2');
        expect(await secrets.authSecret(two)).toBeUndefined();
        expect(await active(one)).toEqual(['whsec_one']);
        await secrets.delete(one);
        expect(await secrets.authSecret(one)).toBeUndefined();
      });
    } else {
      it(`discards auth secrets, leaving the signing secrets alone ${notSupportedBy(name, authSecrets)}`, async () => {
        const one = await endpointWithSecret('whsec_one');
        await expect(secrets.putAuthSecret(one, 'api-key-value')).resolves.toBeUndefined();
        expect(await secrets.authSecret(one)).toBeUndefined();
        expect(await active(one)).toEqual(['whsec_one']);
      });
    }

    it('keeps receiver secrets per endpoint, replaces and forgets them, apart from the signing secrets', async () => {
      const one = await endpointWithSecret('whsec_one');
      const two = await endpointWithSecret('whsec_two');
      expect(await secrets.receiverSecrets(one)).toBeUndefined();
      await secrets.putReceiverSecrets(one, { headers: { 'X-Key': 'k1' }, token: 't1' });
      expect(await secrets.receiverSecrets(one)).toEqual({ headers: { 'X-Key': 'k1' }, token: 't1' });
      await secrets.putReceiverSecrets(one, { headers: {}, password: 'p2', privateKey: 'pem' });
      expect(await secrets.receiverSecrets(one)).toEqual({ headers: {}, password: 'p2', privateKey: 'pem' });
      expect(await secrets.receiverSecrets(two)).toBeUndefined();
      expect(await active(one)).toEqual(['whsec_one']);
      await secrets.putReceiverSecrets(one, null);
      expect(await secrets.receiverSecrets(one)).toBeUndefined();
      await secrets.putReceiverSecrets(two, { headers: { A: 'b' } });
      await secrets.delete(two);
      expect(await secrets.receiverSecrets(two)).toBeUndefined();
    });

    it('keeps a v1a (whsk_) secret key like any secret, also across a rotation between schemes', async () => {
      const { secretKey } = generateEd25519KeyPair();
      const id = await endpointWithSecret(secretKey);
      expect(await active(id)).toEqual([secretKey]);
      await secrets.rotate(id, 'whsec_after', HOUR);
      expect(await active(id)).toEqual(['whsec_after', secretKey]);
    });

    it('rotates one endpoint without touching another', async () => {
      const one = await endpointWithSecret('whsec_one');
      const two = await endpointWithSecret('whsec_two');
      await secrets.rotate(one, 'whsec_one_b', 0);
      const map = await secrets.activeSecrets([one, two]);
      expect(map.get(one)).toEqual(['whsec_one_b']);
      expect(map.get(two)).toEqual(['whsec_two']);
    });
  });
}
