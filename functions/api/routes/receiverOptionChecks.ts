import { InvalidReceiverOptionError } from '../../core/receivers/errors.ts';
import type { ReceiverOptions } from '../../core/receivers/ReceiverOptions.ts';
import type { EndpointAuth } from '../../core/subscriptions/Endpoint.ts';
import { ApiError } from '../errors.ts';
import { RECEIVER_FIELD_NAMES, type ReceiverInput } from '../receiverSchemas.ts';

/** The receiver fields of a create or change body, and the rest of it. */
export function splitReceiverInput<T extends ReceiverInput>(body: T) {
  const receiver: ReceiverInput = {};
  const rest: Record<string, unknown> = { ...body };
  for (const name of RECEIVER_FIELD_NAMES) {
    if (name in body) (receiver as Record<string, unknown>)[name] = body[name];
    delete rest[name];
  }
  return { receiver, present: Object.keys(receiver).length > 0, rest: rest as Omit<T, keyof ReceiverInput> };
}

/** Receiver option errors are the tenant's to fix: a 400 naming the field. */
export function asBadRequest(error: unknown): never {
  if (error instanceof InvalidReceiverOptionError) throw new ApiError(400, error.code, error.message);
  throw error;
}

/**
 * Combinations refused whatever the runtime: two auths at once, and mutual TLS on an endpoint
 * delivered by an EventBridge API destination, whose Connection cannot present a client
 * certificate (it supports basic, API key and OAuth client credentials only).
 */
export function refuseConflicts(
  options: ReceiverOptions | null,
  dedicatedAuth: EndpointAuth | null,
  wantsApiDestination: boolean,
): void {
  if (!options) return;
  if (options.auth.type !== 'none' && dedicatedAuth) {
    throw new ApiError(
      400,
      'invalid_receiver_option',
      'receiverAuth: the endpoint already has auth (the API destination auth); send auth: null with receiverAuth, which applies on every delivery path',
    );
  }
  if (options.clientCertificate && wantsApiDestination) {
    throw new ApiError(
      400,
      'invalid_receiver_option',
      'clientCertificate: mutual TLS is not available on endpoints delivered by an EventBridge API destination (transport api-destination, or auto on a dedicated tenant): their connections cannot present a client certificate; use transport "pooled"',
    );
  }
}
