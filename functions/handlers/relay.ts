import type { Context } from 'aws-lambda';
import { createRelayHandler, type RelayHandlerResult } from './createRelayHandler.ts';
import { lazy } from './wiring/lazy.ts';
import { wireRelay } from './wiring/relay.ts';

export { createRelayHandler };

const wired = lazy(() => wireRelay('rowhook-relay'));

/** Invoked by the capture trigger through aws_lambda.invoke(..., 'Event'). */
export const handler = async (event: unknown, context: Context): Promise<RelayHandlerResult> =>
  wired()(event, context);
