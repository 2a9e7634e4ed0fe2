import type { Context } from 'aws-lambda';
import type { RelayHandlerResult } from './createRelayHandler.ts';
import { lazy } from './wiring/lazy.ts';
import { wireRelay } from './wiring/relay.ts';

const wired = lazy(() => wireRelay('rowhook-sweeper'));

/**
 * Runs on an EventBridge Scheduler rate: the same drain as the relay, so a nudge lost between the
 * commit and the Lambda (throttling, a failed async invoke) only delays events, never strands them.
 * A separate function so its schedule, concurrency and alarms are its own.
 */
export const handler = async (event: unknown, context: Context): Promise<RelayHandlerResult> =>
  wired()(event, context);
