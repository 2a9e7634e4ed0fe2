import { X509Certificate } from 'node:crypto';
import { MASKED_SECRET } from '../core/receivers/constants.ts';
import {
  NO_RECEIVER_OPTIONS,
  type ReceiverAuth,
  type ReceiverOptions,
} from '../core/receivers/ReceiverOptions.ts';

/** The receiver options as the API shows them: every secret masked, never its value. */
export function presentReceiverOptions(stored: ReceiverOptions | null | undefined) {
  const options = stored ?? NO_RECEIVER_OPTIONS;
  return {
    headers: options.headers.map((h) => ({
      name: h.name,
      value: h.secret ? MASKED_SECRET : (h.value ?? ''),
      secret: h.secret,
    })),
    receiverAuth: presentAuth(options.auth),
    clientCertificate: options.clientCertificate
      ? {
          certificate: options.clientCertificate,
          privateKey: MASKED_SECRET,
          expiresAt: expiryOf(options.clientCertificate),
        }
      : null,
    retrySchedule: options.retrySchedule,
    timeoutMs: options.timeoutMs,
  };
}

function presentAuth(auth: ReceiverAuth): Record<string, unknown> {
  switch (auth.type) {
    case 'none':
      return { type: 'none' };
    case 'basic':
      return { type: 'basic', username: auth.username, password: MASKED_SECRET };
    case 'bearer':
      return { type: 'bearer', token: MASKED_SECRET };
    case 'oauth2':
      return { ...auth, clientSecret: MASKED_SECRET };
  }
}

function expiryOf(pem: string): string {
  try {
    return new Date(new X509Certificate(pem).validTo).toISOString();
  } catch {
    return '';
  }
}
