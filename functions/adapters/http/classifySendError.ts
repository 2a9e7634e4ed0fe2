import { BlockedAddressError } from '../../core/network/errors.ts';
import { ERROR_CLASS, type ErrorClass } from '../../core/retry/constants.ts';
import { OAuth2TokenError } from './errors.ts';

function errorChain(error: unknown): { code?: string; name?: string; message?: string }[] {
  const chain = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    chain.push(current as { code?: string; name?: string; message?: string });
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** The transport error class of a failed attempt, from the error and its causes. */
export function classifySendError(error: unknown): ErrorClass {
  for (const link of errorChain(error)) {
    // First: a token endpoint that timed out is the token endpoint's failure, not the receiver's.
    if (link instanceof OAuth2TokenError) return ERROR_CLASS.oauth2Token;
    if (link instanceof BlockedAddressError) return ERROR_CLASS.blocked;
    const code = link.code ?? '';
    if (link.name === 'TimeoutError' || code.endsWith('TIMEOUT') || code === 'ETIMEDOUT')
      return ERROR_CLASS.timeout;
    if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
      return ERROR_CLASS.connect;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return ERROR_CLASS.dns;
    if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED')
      return ERROR_CLASS.reset;
    if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('ERR_SSL'))
      return ERROR_CLASS.tls;
  }
  return ERROR_CLASS.other;
}

/** The messages of the error and its causes, once each, bounded. */
export function describeSendError(error: unknown): string {
  const messages = errorChain(error)
    .map((link) => link.message)
    .filter((message): message is string => Boolean(message));
  return [...new Set(messages)].join(': ').slice(0, 500) || 'unknown error';
}
