import type { Agent } from 'undici';
import type { ReceiverOptions, ReceiverSecrets } from '../../core/receivers/ReceiverOptions.ts';
import type { ReceiverTarget } from '../../ports/WebhookSender.ts';
import { ReceiverSecretsError } from './errors.ts';
import type { OAuth2Tokens } from './OAuth2Tokens.ts';

export interface ReceiverRequestsOptions {
  /** The endpoint's stored receiver secrets (SecretStore.receiverSecrets). */
  secrets: (endpointId: string) => Promise<ReceiverSecrets | undefined>;
  tokens: OAuth2Tokens;
  /** A keep-alive agent presenting this client certificate (SSRF-guarded like the default one). */
  clientAgent: (certificate: string, privateKey: string) => Agent;
  /** The agent for endpoints without a client certificate. */
  sharedAgent: Agent;
}

/** What one request to the receiver carries beyond the signed webhook. */
export interface PreparedReceiver {
  headers: Record<string, string>;
  dispatcher: Agent;
  /** OAuth2 only: the access token to send (a new one when `rejected` is the one a 401 refused). */
  accessToken?: (signal: AbortSignal, rejected?: string) => Promise<string>;
}

/**
 * Turns an endpoint's receiver options into request decorations: custom headers (secret values
 * opened), Authorization for basic, bearer and OAuth2, and a client-certificate agent for mutual
 * TLS. Secrets and agents are kept per endpoint revision, so a change to the endpoint is picked up
 * by the next attempt and its old agent closed.
 */
export class ReceiverRequests {
  private readonly secretsCache = new Map<
    string,
    { revision: string; secrets: ReceiverSecrets | undefined }
  >();
  private readonly agents = new Map<string, { revision: string; agent: Agent }>();

  constructor(private readonly options: ReceiverRequestsOptions) {}

  async prepare(target: ReceiverTarget): Promise<PreparedReceiver> {
    const receiver = target.options;
    const secrets = needsSecrets(receiver) ? await this.secretsOf(target) : undefined;
    const secret = (value: string | undefined, what: string): string => {
      if (value === undefined) {
        throw new ReceiverSecretsError(
          `endpoint ${target.endpointId} has no stored ${what}; set it again (PATCH /v1/endpoints/${target.endpointId})`,
        );
      }
      return value;
    };
    const headers: Record<string, string> = {};
    for (const header of receiver.headers) {
      headers[header.name] = header.secret
        ? secret(secrets?.headers[header.name], `value for header ${header.name}`)
        : (header.value ?? '');
    }
    const prepared: PreparedReceiver = { headers, dispatcher: this.options.sharedAgent };
    const auth = receiver.auth;
    if (auth.type === 'basic') {
      const password = secret(secrets?.password, 'basic-auth password');
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}`;
    } else if (auth.type === 'bearer') {
      headers.authorization = `Bearer ${secret(secrets?.token, 'bearer token')}`;
    } else if (auth.type === 'oauth2') {
      const clientSecret = secret(secrets?.clientSecret, 'OAuth2 client secret');
      prepared.accessToken = (signal, rejected) =>
        this.options.tokens.token(target, auth, clientSecret, signal, rejected);
    }
    if (receiver.clientCertificate) {
      prepared.dispatcher = this.agentFor(
        target,
        receiver.clientCertificate,
        secret(secrets?.privateKey, 'client certificate private key'),
      );
    }
    return prepared;
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()].map((entry) => entry.agent.close());
    this.agents.clear();
    await Promise.all(agents);
  }

  private async secretsOf(target: ReceiverTarget): Promise<ReceiverSecrets | undefined> {
    const cached = this.secretsCache.get(target.endpointId);
    if (cached && cached.revision === target.revision) return cached.secrets;
    let secrets: ReceiverSecrets | undefined;
    try {
      secrets = await this.options.secrets(target.endpointId);
    } catch (error) {
      // Never the secret itself: the store's message says what failed, not what was read.
      throw new ReceiverSecretsError(`the receiver secrets of endpoint ${target.endpointId} cannot be read`, {
        cause: error,
        retryable: true,
      });
    }
    this.secretsCache.set(target.endpointId, { revision: target.revision, secrets });
    return secrets;
  }

  private agentFor(target: ReceiverTarget, certificate: string, privateKey: string): Agent {
    const cached = this.agents.get(target.endpointId);
    if (cached && cached.revision === target.revision) return cached.agent;
    // The old agent finishes its requests in flight, then closes.
    if (cached) void cached.agent.close().catch(() => {});
    const agent = this.options.clientAgent(certificate, privateKey);
    this.agents.set(target.endpointId, { revision: target.revision, agent });
    return agent;
  }
}

function needsSecrets(receiver: ReceiverOptions): boolean {
  return (
    receiver.auth.type !== 'none' ||
    receiver.clientCertificate !== null ||
    receiver.headers.some((header) => header.secret)
  );
}
