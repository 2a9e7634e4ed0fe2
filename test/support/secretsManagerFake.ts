import { randomBytes, randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  type CreateSecretCommandInput,
  DeleteSecretCommand,
  type DeleteSecretCommandInput,
  DescribeSecretCommand,
  type DescribeSecretCommandInput,
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  type PutSecretValueCommandInput,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

interface Version {
  id: string;
  secretString: string;
  stages: Set<string>;
  createdAt: Date;
}

interface Secret {
  arn: string;
  name: string;
  description?: string;
  versions: Version[];
  deletionDate?: Date;
}

/** Secrets Manager in memory; hand `client` to the adapter under test. */
export interface SecretsManagerFake {
  client: SecretsManagerClient;
  /** Every secret ever created and not force-deleted, scheduled deletions included. */
  names(): string[];
}

const failure = { $metadata: { httpStatusCode: 400 } };
const notFound = () =>
  new ResourceNotFoundException({ ...failure, message: "Secrets Manager can't find the specified secret." });
const markedForDeletion = () =>
  new InvalidRequestException({
    ...failure,
    message: "You can't perform this operation on the secret because it was marked for deletion.",
  });

/**
 * A stateful Secrets Manager behind aws-sdk-client-mock, for CreateSecret, PutSecretValue,
 * GetSecretValue, DeleteSecret and DescribeSecret. Each write is a new version; staging labels move
 * as AWS moves them (a new AWSCURRENT demotes the old one to AWSPREVIOUS, unless the write asked
 * for other labels such as AWSPENDING), and a secret scheduled for deletion refuses reads, writes
 * and re-creation with AWS's errors until its window ends.
 */
export function secretsManagerFake(): SecretsManagerFake {
  const secrets = new Map<string, Secret>();
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const mock = mockClient(client);

  function find(secretId: string | undefined): Secret | undefined {
    const secret = secrets.get(secretId ?? '') ?? [...secrets.values()].find((s) => s.arn === secretId);
    // A deletion window that has run out removes the secret for good.
    if (secret?.deletionDate && secret.deletionDate <= new Date()) {
      secrets.delete(secret.name);
      return undefined;
    }
    return secret;
  }

  function live(secretId: string | undefined): Secret {
    const secret = find(secretId);
    if (!secret) throw notFound();
    if (secret.deletionDate) throw markedForDeletion();
    return secret;
  }

  function addVersion(secret: Secret, secretString: string, token: string | undefined, stages: string[]) {
    const existing = secret.versions.find((v) => v.id === token);
    if (existing) {
      // A repeated request with the same token is idempotent; a different value under it is not.
      if (existing.secretString === secretString) return existing;
      throw new ResourceExistsException({
        ...failure,
        message: "You can't modify an existing version, you can only create a new version.",
      });
    }
    const version: Version = {
      id: token ?? randomUUID(),
      secretString,
      stages: new Set(),
      createdAt: new Date(),
    };
    for (const stage of stages) {
      const holder = secret.versions.find((v) => v.stages.has(stage));
      holder?.stages.delete(stage);
      if (stage === CURRENT && holder) {
        for (const v of secret.versions) v.stages.delete(PREVIOUS);
        holder.stages.add(PREVIOUS);
      }
      version.stages.add(stage);
    }
    secret.versions.push(version);
    return version;
  }

  mock.onAnyCommand().callsFake(async (input: unknown) => {
    throw new Error(`the Secrets Manager fake does not answer this command: ${JSON.stringify(input)}`);
  });

  mock.on(CreateSecretCommand).callsFake(async (input: CreateSecretCommandInput) => {
    const name = input.Name ?? '';
    const existing = find(name);
    if (existing?.deletionDate)
      throw new InvalidRequestException({
        ...failure,
        message:
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
      });
    if (existing)
      throw new ResourceExistsException({
        ...failure,
        message: `The operation failed because the secret ${name} already exists.`,
      });
    if (input.SecretString === undefined)
      throw new InvalidParameterException({
        ...failure,
        message: 'This fake stores SecretString values only.',
      });
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-${randomBytes(3).toString('hex')}`,
      name,
      ...(input.Description === undefined ? {} : { description: input.Description }),
      versions: [],
    };
    const version = addVersion(secret, input.SecretString, input.ClientRequestToken, [CURRENT]);
    secrets.set(name, secret);
    return { ARN: secret.arn, Name: name, VersionId: version.id };
  });

  mock.on(PutSecretValueCommand).callsFake(async (input: PutSecretValueCommandInput) => {
    const secret = live(input.SecretId);
    if (input.SecretString === undefined)
      throw new InvalidParameterException({
        ...failure,
        message: 'This fake stores SecretString values only.',
      });
    const stages = input.VersionStages?.length ? input.VersionStages : [CURRENT];
    const version = addVersion(secret, input.SecretString, input.ClientRequestToken, stages);
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  });

  mock.on(GetSecretValueCommand).callsFake(async (input: GetSecretValueCommandInput) => {
    const secret = live(input.SecretId);
    const stage = input.VersionStage ?? (input.VersionId ? undefined : CURRENT);
    const version = secret.versions.find(
      (v) =>
        (input.VersionId === undefined || v.id === input.VersionId) &&
        (stage === undefined || v.stages.has(stage)),
    );
    if (!version)
      throw new ResourceNotFoundException({
        ...failure,
        message: input.VersionId
          ? `Secrets Manager can't find the specified secret value for VersionId: ${input.VersionId}`
          : `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
      });
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.secretString,
      VersionStages: [...version.stages],
      CreatedDate: version.createdAt,
    };
  });

  mock.on(DeleteSecretCommand).callsFake(async (input: DeleteSecretCommandInput) => {
    const force = input.ForceDeleteWithoutRecovery === true;
    if (force && input.RecoveryWindowInDays !== undefined)
      throw new InvalidParameterException({
        ...failure,
        message: "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
      });
    const days = input.RecoveryWindowInDays ?? 30;
    if (!force && (days < 7 || days > 30))
      throw new InvalidParameterException({
        ...failure,
        message: 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).',
      });
    const secret = find(input.SecretId);
    if (!secret) throw notFound();
    if (force) {
      secrets.delete(secret.name);
      return { ARN: secret.arn, Name: secret.name, DeletionDate: new Date() };
    }
    if (secret.deletionDate)
      throw new InvalidRequestException({
        ...failure,
        message: "You tried to perform the operation on a secret that's currently marked deleted.",
      });
    secret.deletionDate = new Date(Date.now() + days * 86_400_000);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: secret.deletionDate };
  });

  mock.on(DescribeSecretCommand).callsFake(async (input: DescribeSecretCommandInput) => {
    const secret = find(input.SecretId);
    if (!secret) throw notFound();
    return {
      ARN: secret.arn,
      Name: secret.name,
      Description: secret.description,
      DeletedDate: secret.deletionDate,
      VersionIdsToStages: Object.fromEntries(
        secret.versions.filter((v) => v.stages.size > 0).map((v) => [v.id, [...v.stages]]),
      ),
    };
  });

  return { client, names: () => [...secrets.keys()] };
}
