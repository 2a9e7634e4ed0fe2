import { checkClientCertificate } from '../core/receivers/checkClientCertificate.ts';
import { checkCustomHeaders } from '../core/receivers/checkCustomHeaders.ts';
import { OAUTH2_CLIENT_AUTHENTICATION, OAUTH2_TOKENS } from '../core/receivers/constants.ts';
import { InvalidReceiverOptionError } from '../core/receivers/errors.ts';
import {
  type CustomHeader,
  hasReceiverSecrets,
  NO_RECEIVER_OPTIONS,
  type ReceiverAuth,
  type ReceiverOptions,
  type ReceiverSecrets,
} from '../core/receivers/ReceiverOptions.ts';
import { parseRetrySchedule } from '../core/retry/parseRetrySchedule.ts';
import type { ReceiverInput } from './receiverSchemas.ts';

export interface ReceiverState {
  options: ReceiverOptions | null | undefined;
  secrets: ReceiverSecrets | undefined;
}

export interface ResolveContext {
  /** The endpoint URL rules (SSRF, https in production) for the OAuth2 token URL. */
  checkUrl: (url: string) => Promise<URL>;
  now: Date;
}

// Form parameters the token request sets itself.
const RESERVED_TOKEN_PARAMS = new Set(['grant_type', 'scope', 'client_id', 'client_secret']);

/**
 * The receiver options and secrets an endpoint has after a create (current: nothing) or a change
 * (only the fields sent change). A secret left out on a change keeps the stored one when there is
 * one for the same thing; otherwise it is required. Throws InvalidReceiverOptionError (a 400).
 */
export async function resolveReceiverOptions(
  input: ReceiverInput,
  current: ReceiverState,
  context: ResolveContext,
): Promise<{ options: ReceiverOptions | null; secrets: ReceiverSecrets | null }> {
  const was = current.options ?? NO_RECEIVER_OPTIONS;
  const stored = current.secrets ?? { headers: {} };
  const options: ReceiverOptions = { ...was };
  const secrets: ReceiverSecrets = { headers: {} };

  if (input.receiverAuth !== undefined) {
    options.auth = await resolveAuth(input.receiverAuth, was.auth, stored, secrets, context);
  } else keepAuthSecrets(was.auth, stored, secrets);

  if (input.headers !== undefined) {
    options.headers = resolveHeaders(input.headers ?? [], was.headers, stored, secrets, options.auth);
  } else {
    for (const header of was.headers) {
      const value = stored.headers[header.name];
      if (header.secret && value !== undefined) secrets.headers[header.name] = value;
    }
    if (input.receiverAuth !== undefined)
      checkCustomHeaders(
        was.headers.map((h) => ({ name: h.name, value: h.value ?? secrets.headers[h.name] ?? '' })),
        options.auth.type !== 'none',
      );
  }

  if (input.clientCertificate !== undefined) {
    const given = input.clientCertificate;
    if (given === null) options.clientCertificate = null;
    else {
      const privateKey = given.privateKey ?? (was.clientCertificate ? stored.privateKey : undefined);
      if (privateKey === undefined) {
        throw new InvalidReceiverOptionError(
          'clientCertificate.privateKey is required with a new client certificate',
        );
      }
      checkClientCertificate(given.certificate, privateKey, context.now);
      options.clientCertificate = given.certificate.trim();
      secrets.privateKey = privateKey;
    }
  } else if (was.clientCertificate && stored.privateKey !== undefined) secrets.privateKey = stored.privateKey;

  if (input.retrySchedule !== undefined) {
    try {
      options.retrySchedule =
        input.retrySchedule === null ? null : parseRetrySchedule(input.retrySchedule).toString();
    } catch (error) {
      throw new InvalidReceiverOptionError(`retrySchedule: ${(error as Error).message}`, { cause: error });
    }
  }
  if (input.timeoutMs !== undefined) options.timeoutMs = input.timeoutMs;

  const plain =
    options.headers.length === 0 &&
    options.auth.type === 'none' &&
    options.clientCertificate === null &&
    options.retrySchedule === null &&
    options.timeoutMs === null;
  return { options: plain ? null : options, secrets: hasReceiverSecrets(secrets) ? secrets : null };
}

function resolveHeaders(
  given: NonNullable<ReceiverInput['headers']>,
  was: readonly CustomHeader[],
  stored: ReceiverSecrets,
  secrets: ReceiverSecrets,
  auth: ReceiverAuth,
): CustomHeader[] {
  const values = given.map((header, index) => {
    const kept = was.find((h) => h.secret && h.name === header.name)
      ? stored.headers[header.name]
      : undefined;
    const value = header.value ?? (header.secret ? kept : undefined);
    if (value === undefined) {
      throw new InvalidReceiverOptionError(
        `headers[${index}].value is required${header.secret ? ' (no secret value is stored under this name)' : ''}`,
      );
    }
    return { name: header.name, value, secret: header.secret ?? false };
  });
  checkCustomHeaders(values, auth.type !== 'none');
  return values.map(({ name, value, secret }) => {
    if (secret) secrets.headers[name] = value;
    return { name, value: secret ? null : value, secret };
  });
}

async function resolveAuth(
  given: NonNullable<ReceiverInput['receiverAuth']> | null,
  was: ReceiverAuth,
  stored: ReceiverSecrets,
  secrets: ReceiverSecrets,
  context: ResolveContext,
): Promise<ReceiverAuth> {
  if (given === null || given.type === 'none') return { type: 'none' };
  const sameType = was.type === given.type;
  const secret = (field: 'password' | 'token' | 'clientSecret', value: string | undefined) => {
    const resolved = value ?? (sameType ? stored[field] : undefined);
    if (resolved === undefined) {
      throw new InvalidReceiverOptionError(
        `receiverAuth.${field} is required with receiverAuth type ${given.type}`,
      );
    }
    if (/[\r\n\0]/.test(resolved) && field !== 'clientSecret') {
      throw new InvalidReceiverOptionError(`receiverAuth.${field} must not contain CR, LF or NUL characters`);
    }
    secrets[field] = resolved;
  };
  switch (given.type) {
    case 'basic':
      secret('password', given.password);
      return { type: 'basic', username: given.username };
    case 'bearer':
      secret('token', given.token);
      return { type: 'bearer' };
    case 'oauth2': {
      secret('clientSecret', given.clientSecret);
      let tokenUrl: URL;
      try {
        tokenUrl = await context.checkUrl(given.tokenUrl);
      } catch (error) {
        throw new InvalidReceiverOptionError(
          `receiverAuth.tokenUrl: ${(error as Error).message.replace(/^url /, '')}`,
          { cause: error },
        );
      }
      const extraParams = given.extraParams ?? {};
      const names = Object.keys(extraParams);
      if (names.length > OAUTH2_TOKENS.maxExtraParams) {
        throw new InvalidReceiverOptionError(
          `receiverAuth.extraParams: at most ${OAUTH2_TOKENS.maxExtraParams} parameters`,
        );
      }
      const reserved = names.find((name) => RESERVED_TOKEN_PARAMS.has(name));
      if (reserved) {
        throw new InvalidReceiverOptionError(
          `receiverAuth.extraParams.${reserved} is set by Rowhook; use ${reserved === 'scope' ? 'receiverAuth.scope' : 'clientId / clientSecret'}`,
        );
      }
      return {
        type: 'oauth2',
        tokenUrl: tokenUrl.toString(),
        clientId: given.clientId,
        scope: given.scope ?? null,
        extraParams,
        clientAuthentication: given.clientAuthentication ?? OAUTH2_CLIENT_AUTHENTICATION.basic,
      };
    }
  }
}

function keepAuthSecrets(auth: ReceiverAuth, stored: ReceiverSecrets, secrets: ReceiverSecrets): void {
  if (auth.type === 'basic' && stored.password !== undefined) secrets.password = stored.password;
  if (auth.type === 'bearer' && stored.token !== undefined) secrets.token = stored.token;
  if (auth.type === 'oauth2' && stored.clientSecret !== undefined) secrets.clientSecret = stored.clientSecret;
}
