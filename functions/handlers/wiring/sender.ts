import { z } from 'zod';
import { UndiciSender } from '../../adapters/http/UndiciSender.ts';
import { AddressPolicy, parseNetworkList } from '../../core/network/AddressPolicy.ts';
import { ENV, integer, loadEnv } from '../config.ts';
import { lazy } from './lazy.ts';
import { secretStore } from './secrets.ts';

export const sender = lazy(() => {
  const env = loadEnv({
    [ENV.deliveryTimeoutMs]: integer(15_000, 100, 120_000),
    [ENV.allowedNetworks]: z.string().default(''),
  });
  return new UndiciSender({
    policy: new AddressPolicy(parseNetworkList(env[ENV.allowedNetworks])),
    connectTimeoutMs: Math.min(10_000, env[ENV.deliveryTimeoutMs]),
    totalTimeoutMs: env[ENV.deliveryTimeoutMs],
    snippetBytes: 1024,
    // One Lambda handles one SQS batch at a time: a few connections per origin are plenty.
    connectionsPerOrigin: 10,
    userAgent: 'Rowhook/0.1 (+https://www.standardwebhooks.com)',
    // Secret header values, receiver auth and client keys, from Secrets Manager (cached there).
    receiverSecrets: (endpointId) => secretStore().receiverSecrets(endpointId),
  });
});
