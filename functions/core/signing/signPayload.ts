import { createSigner, type SignInput } from './createSigner.ts';

export interface SignPayloadInput extends SignInput {
  secrets: readonly string[];
}

/** One-off convenience; delivery loops should hold on to a `createSigner` result instead. */
export function signPayload({ id, timestamp, body, secrets }: SignPayloadInput): string {
  return createSigner(secrets)({ id, timestamp, body });
}
