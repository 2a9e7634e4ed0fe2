import { createSigner, type SignInput } from './createSigner.ts';

export interface SignPayloadInput extends SignInput {
  secrets: readonly string[];
}

/**
 * The `webhook-signature` of one message: how every sender signs (each delivery may carry another
 * endpoint's keys). A caller signing many messages with the same keys can keep a `createSigner` result.
 */
export function signPayload({ id, timestamp, body, secrets }: SignPayloadInput): string {
  return createSigner(secrets)({ id, timestamp, body });
}
