import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { hasReceiverSecrets, type ReceiverSecrets } from '../../core/receivers/ReceiverOptions.ts';
import type { SecretStore } from '../../ports/SecretStore.ts';
import { AwsAdapterError, awsErrorName, toAwsError } from './errors.ts';

export interface SecretsManagerSecretStoreOptions {
  /**
   * Deployment stage; signing secrets are named `rowhook/<stage>/endpoints/<endpoint id>`, the
   * dedicated-delivery auth secret `rowhook/<stage>/endpoint-auth/<endpoint id>`. The two prefixes
   * are disjoint so IAM can grant them separately: only api (writes) and sync (reads) reach the
   * auth secrets (third-party credentials), while relay, deliver and sweeper read signing secrets only.
   */
  stage: string;
  /**
   * How long a read is reused. Deliver Lambdas would otherwise call Secrets Manager once per message
   * (cost, latency, and its per-second quota). Keep it well under the rotation overlap: a Lambda
   * that cached before a rotation signs only with the old secret until its entry expires.
   */
  cacheTtlMs?: number;
  kmsKeyId?: string;
  now?: () => Date;
}

const storedSchema = z.object({
  secrets: z.array(z.object({ secret: z.string(), createdAt: z.string(), expiresAt: z.string().optional() })),
});
type StoredSecrets = z.infer<typeof storedSchema>;

const authSchema = z.object({ secret: z.string() });

const EMPTY_RECEIVER_SECRETS = JSON.stringify({ headers: {} });

const receiverSecretsSchema = z.object({
  headers: z.record(z.string(), z.string()),
  password: z.string().optional(),
  token: z.string().optional(),
  clientSecret: z.string().optional(),
  privateKey: z.string().optional(),
});

const DEFAULT_CACHE_TTL_MS = 5 * 60_000;
/** Deleted secrets stay recoverable this long (Secrets Manager's minimum is 7, its default 30). */
export const DELETE_RECOVERY_WINDOW_DAYS = 7;
// Reads in parallel per call; Secrets Manager's GetSecretValue quota is in the thousands per second.
const READ_CONCURRENCY = 10;

/**
 * Signing secrets in Secrets Manager, one secret per endpoint holding every key that may still sign
 * (the current one and, during a rotation, the previous ones with their expiry).
 */
export class SecretsManagerSecretStore implements SecretStore {
  private readonly cache = new Map<string, { value: StoredSecrets; fetchedAt: number }>();
  private readonly receiverCache = new Map<
    string,
    { value: ReceiverSecrets | undefined; fetchedAt: number }
  >();
  private readonly ttlMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly options: SecretsManagerSecretStoreOptions,
  ) {
    this.ttlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.now = options.now ?? (() => new Date());
  }

  secretName(endpointId: string): string {
    return `rowhook/${this.options.stage}/endpoints/${endpointId}`;
  }

  authSecretName(endpointId: string): string {
    return `rowhook/${this.options.stage}/endpoint-auth/${endpointId}`;
  }

  async create(endpointId: string, secret: string): Promise<void> {
    const value: StoredSecrets = { secrets: [{ secret, createdAt: this.now().toISOString() }] };
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: this.secretName(endpointId),
          SecretString: JSON.stringify(value),
          Description: `Rowhook signing secrets of endpoint ${endpointId}`,
          ...(this.options.kmsKeyId ? { KmsKeyId: this.options.kmsKeyId } : {}),
        }),
      );
    } catch (error) {
      // An earlier create that timed out on our side may have succeeded: overwrite, same outcome.
      if (awsErrorName(error) !== 'ResourceExistsException')
        throw toAwsError(error, `creating the signing secret of endpoint ${endpointId}`);
      await this.write(endpointId, value);
    }
    this.remember(endpointId, value);
  }

  async rotate(endpointId: string, secret: string, overlapMs: number): Promise<void> {
    const now = this.now();
    const overlapEnd = new Date(now.getTime() + overlapMs);
    const current = (await this.read(endpointId)) ?? { secrets: [] };
    const kept = current.secrets
      .filter((s) => !s.expiresAt || new Date(s.expiresAt) > now)
      .map((s) =>
        // Like the PostgreSQL store: shorten, never lengthen, an existing expiry.
        !s.expiresAt || new Date(s.expiresAt) > overlapEnd
          ? { ...s, expiresAt: overlapEnd.toISOString() }
          : s,
      );
    const value: StoredSecrets = { secrets: [{ secret, createdAt: now.toISOString() }, ...kept] };
    // Read-modify-write without a lock: two rotations racing for one endpoint keep the later write.
    // Rotations come from the API one at a time per endpoint, so this is accepted.
    if (current.secrets.length === 0) await this.create(endpointId, secret);
    else await this.write(endpointId, value);
    this.remember(endpointId, value);
  }

  async activeSecrets(endpointIds: readonly string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>();
    const ids = [...new Set(endpointIds)];
    const nowMs = this.now().getTime();
    const missing = ids.filter((id) => {
      const cached = this.cache.get(id);
      return !cached || nowMs - cached.fetchedAt >= this.ttlMs;
    });
    for (let i = 0; i < missing.length; i += READ_CONCURRENCY) {
      await Promise.all(
        missing.slice(i, i + READ_CONCURRENCY).map(async (id) => {
          const stored = await this.read(id);
          // A missing (or empty) secret is not cached: the API creates the endpoint before its
          // secret, and a delivery racing that would otherwise see "no secret" for a whole TTL.
          if (stored && stored.secrets.length > 0) this.remember(id, stored);
          else this.cache.delete(id);
        }),
      );
    }
    for (const id of ids) {
      const stored = this.cache.get(id)?.value.secrets ?? [];
      // Expiry is checked at use, so a cached entry stops signing with an expired key on time.
      const active = stored
        .filter((s) => !s.expiresAt || new Date(s.expiresAt).getTime() > nowMs)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .map((s) => s.secret);
      if (active.length > 0) result.set(id, active);
    }
    return result;
  }

  /**
   * Schedules both secrets of the endpoint for deletion with a 7-day recovery window
   * (ForceDeleteWithoutRecovery left out, i.e. false: Secrets Manager refuses it together with a
   * window). Missing secrets, or ones already scheduled, are fine.
   */
  async delete(endpointId: string): Promise<void> {
    this.invalidate(endpointId);
    for (const name of [
      this.secretName(endpointId),
      this.authSecretName(endpointId),
      this.receiverSecretName(endpointId),
    ]) {
      await this.deleteNamed(name);
    }
  }

  /** Write-only from the API; read by the sync Lambda when it builds the endpoint's Connection. */
  async putAuthSecret(endpointId: string, secret: string): Promise<void> {
    await this.putNamed(
      this.authSecretName(endpointId),
      JSON.stringify({ secret }),
      `the auth secret of endpoint ${endpointId}`,
      `Rowhook API destination auth of endpoint ${endpointId}`,
    );
  }

  receiverSecretName(endpointId: string): string {
    return `rowhook/${this.options.stage}/endpoint-receiver/${endpointId}`;
  }

  /** Written by the API; read by deliver (pooled) and sync (the API destination's Connection). */
  async putReceiverSecrets(endpointId: string, secrets: ReceiverSecrets | null): Promise<void> {
    this.receiverCache.delete(endpointId);
    const name = this.receiverSecretName(endpointId);
    if (secrets === null) {
      // Emptied, not deleted: a deleted secret stays "scheduled for deletion" for 7 days, and
      // setting receiver options again meanwhile would be refused. Deleted with the endpoint.
      try {
        await this.client.send(
          new PutSecretValueCommand({ SecretId: name, SecretString: EMPTY_RECEIVER_SECRETS }),
        );
      } catch (error) {
        if (!isGone(error))
          throw toAwsError(error, `clearing the receiver secrets of endpoint ${endpointId}`);
      }
      return;
    }
    await this.putNamed(
      name,
      JSON.stringify(secrets),
      `the receiver secrets of endpoint ${endpointId}`,
      `Rowhook receiver auth, secret headers and client key of endpoint ${endpointId}`,
    );
  }

  /** Cached like the signing secrets: a change reaches deliveries within the cache TTL. */
  async receiverSecrets(endpointId: string): Promise<ReceiverSecrets | undefined> {
    const cached = this.receiverCache.get(endpointId);
    const nowMs = this.now().getTime();
    if (cached && nowMs - cached.fetchedAt < this.ttlMs) return cached.value;
    const name = this.receiverSecretName(endpointId);
    let text: string | undefined;
    try {
      text = (await this.client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
    } catch (error) {
      if (isGone(error)) return undefined;
      throw toAwsError(error, `reading the receiver secrets of endpoint ${endpointId}`);
    }
    if (text === undefined) return undefined;
    let value: ReceiverSecrets;
    try {
      value = receiverSecretsSchema.parse(JSON.parse(text));
    } catch (error) {
      // The message never includes the value.
      throw new AwsAdapterError(`secret ${name} does not hold receiver secrets`, { cause: error });
    }
    const kept = hasReceiverSecrets(value) ? value : undefined;
    this.receiverCache.set(endpointId, { value: kept, fetchedAt: nowMs });
    return kept;
  }

  private async putNamed(name: string, value: string, what: string, description: string): Promise<void> {
    try {
      await this.client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
      return;
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceNotFoundException') throw toAwsError(error, `storing ${what}`);
    }
    try {
      await this.client.send(
        new CreateSecretCommand({
          Name: name,
          SecretString: value,
          Description: description,
          ...(this.options.kmsKeyId ? { KmsKeyId: this.options.kmsKeyId } : {}),
        }),
      );
    } catch (error) {
      // Created in between by a concurrent call: write over it, same outcome.
      if (awsErrorName(error) !== 'ResourceExistsException') throw toAwsError(error, `creating ${what}`);
      await this.client
        .send(new PutSecretValueCommand({ SecretId: name, SecretString: value }))
        .catch((e: unknown) => {
          throw toAwsError(e, `storing ${what}`);
        });
    }
  }

  private async deleteNamed(name: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: DELETE_RECOVERY_WINDOW_DAYS }),
      );
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return;
      // Deleting a secret already scheduled for deletion answers InvalidRequestException.
      if (awsErrorName(error) === 'InvalidRequestException') return;
      throw toAwsError(error, `deleting secret ${name}`);
    }
  }

  /** Not cached: only the sync Lambda reads it, once per endpoint change. */
  async authSecret(endpointId: string): Promise<string | undefined> {
    const name = this.authSecretName(endpointId);
    let text: string | undefined;
    try {
      text = (await this.client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
    } catch (error) {
      if (isGone(error)) return undefined;
      throw toAwsError(error, `reading the auth secret of endpoint ${endpointId}`);
    }
    if (text === undefined) return undefined;
    let parsed: ReturnType<typeof authSchema.safeParse>;
    try {
      parsed = authSchema.safeParse(JSON.parse(text));
    } catch (error) {
      throw new AwsAdapterError(`secret ${name} is not JSON`, { cause: error });
    }
    if (!parsed.success) throw new AwsAdapterError(`secret ${name} does not hold {"secret": string}`);
    return parsed.data.secret;
  }

  /** Drops cached entries (all, or one endpoint's). */
  invalidate(endpointId?: string): void {
    if (endpointId === undefined) {
      this.cache.clear();
      this.receiverCache.clear();
    } else {
      this.cache.delete(endpointId);
      this.receiverCache.delete(endpointId);
    }
  }

  private remember(endpointId: string, value: StoredSecrets): void {
    this.cache.set(endpointId, { value, fetchedAt: this.now().getTime() });
  }

  private async read(endpointId: string): Promise<StoredSecrets | undefined> {
    let text: string | undefined;
    try {
      const response = await this.client.send(
        new GetSecretValueCommand({ SecretId: this.secretName(endpointId) }),
      );
      text = response.SecretString;
    } catch (error) {
      if (isGone(error)) return undefined;
      throw toAwsError(error, `reading the signing secrets of endpoint ${endpointId}`);
    }
    if (text === undefined) return undefined;
    let parsed: ReturnType<typeof storedSchema.safeParse>;
    try {
      parsed = storedSchema.safeParse(JSON.parse(text));
    } catch (error) {
      throw new AwsAdapterError(`secret ${this.secretName(endpointId)} is not JSON`, { cause: error });
    }
    if (!parsed.success) {
      // The message never includes the value: it holds signing keys.
      throw new AwsAdapterError(
        `secret ${this.secretName(endpointId)} does not hold {"secrets":[{"secret","createdAt","expiresAt"?}]}`,
      );
    }
    return parsed.data;
  }

  private async write(endpointId: string, value: StoredSecrets): Promise<void> {
    try {
      await this.client.send(
        new PutSecretValueCommand({
          SecretId: this.secretName(endpointId),
          SecretString: JSON.stringify(value),
        }),
      );
    } catch (error) {
      throw toAwsError(error, `storing the signing secrets of endpoint ${endpointId}`);
    }
  }
}

/**
 * Missing, or deleted: `delete` only schedules the deletion, and until the recovery window ends
 * Secrets Manager answers reads with InvalidRequestException (its message is the only sign why).
 */
function isGone(error: unknown): boolean {
  const name = awsErrorName(error);
  if (name === 'ResourceNotFoundException') return true;
  return name === 'InvalidRequestException' && /marked for deletion/i.test((error as Error).message ?? '');
}
