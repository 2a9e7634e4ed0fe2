import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ENDPOINT_TIMEOUT_MS } from '../core/receivers/constants.ts';
import type { EndpointItem } from './apiTypes.ts';
import type { CommandContext, CommandSpec, OptionValues } from './CommandSpec.ts';
import { UsageError } from './errors.ts';
import { parseIntFlag } from './parseIntFlag.ts';
import { printJson } from './printJson.ts';

const USAGE =
  '<id> [--header N=V]... [--secret-header N=V|N=@FILE]... [--clear-headers] [--auth-file FILE | --no-auth] ' +
  '[--client-cert FILE --client-key FILE | --no-client-cert] [--retry-schedule S | --default-retry-schedule] ' +
  '[--timeout MS | --default-timeout]';

const readText = async (ctx: CommandContext, flag: string, file: string) => {
  try {
    return await readFile(path.resolve(ctx.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(
      `--${flag} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
};

const list = (values: OptionValues, name: string): string[] => (values[name] as string[] | undefined) ?? [];

function splitHeader(flag: string, text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`--${flag} "${text.slice(0, 40)}": expected Name=Value`);
  return [text.slice(0, at), text.slice(at + 1)];
}

/** The PATCH body the flags ask for: only what was given changes. */
async function receiverBody(ctx: CommandContext, values: OptionValues): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  const plain = list(values, 'header').map((h) => splitHeader('header', h));
  const secret = await Promise.all(
    list(values, 'secret-header').map(async (h) => {
      const [name, value] = splitHeader('secret-header', h);
      // N=@FILE keeps the secret out of the shell history and the process list.
      const resolved = value.startsWith('@')
        ? (await readText(ctx, 'secret-header', value.slice(1))).trim()
        : value;
      return { name, value: resolved, secret: true };
    }),
  );
  if (values['clear-headers'] && plain.length + secret.length > 0) {
    throw new UsageError('--clear-headers removes every header: give it alone, or list the headers to keep');
  }
  if (values['clear-headers']) body.headers = null;
  else if (plain.length + secret.length > 0) {
    body.headers = [...plain.map(([name, value]) => ({ name, value })), ...secret];
  }
  if (values['auth-file'] !== undefined && values['no-auth'])
    throw new UsageError('--auth-file and --no-auth conflict');
  if (values['no-auth']) body.receiverAuth = null;
  if (typeof values['auth-file'] === 'string') {
    const text = await readText(ctx, 'auth-file', values['auth-file']);
    try {
      body.receiverAuth = JSON.parse(text);
    } catch {
      throw new UsageError(
        `--auth-file ${values['auth-file']}: not JSON (e.g. {"type":"bearer","token":"..."})`,
      );
    }
  }
  const cert = values['client-cert'];
  const key = values['client-key'];
  if ((cert === undefined) !== (key === undefined))
    throw new UsageError('--client-cert and --client-key go together');
  if (values['no-client-cert']) body.clientCertificate = null;
  if (typeof cert === 'string' && typeof key === 'string') {
    body.clientCertificate = {
      certificate: await readText(ctx, 'client-cert', cert),
      privateKey: await readText(ctx, 'client-key', key),
    };
  }
  if (values['default-retry-schedule']) body.retrySchedule = null;
  if (typeof values['retry-schedule'] === 'string') body.retrySchedule = values['retry-schedule'];
  if (values['default-timeout']) body.timeoutMs = null;
  if (typeof values.timeout === 'string')
    body.timeoutMs = parseIntFlag(
      'timeout',
      values.timeout,
      ENDPOINT_TIMEOUT_MS.min,
      ENDPOINT_TIMEOUT_MS.max,
    );
  if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one option');
  return body;
}

/** `rowhook endpoints receiver`: custom headers, receiver auth, mutual TLS, retry schedule and timeout. */
export const receiverCommands: CommandSpec[] = [
  {
    words: ['endpoints', 'receiver'],
    usage: USAGE,
    summary: "set how an endpoint's receiver is called: headers, auth, client certificate, retries, timeout",
    details: [
      '--auth-file holds the receiverAuth JSON, e.g. {"type":"basic","username":"u","password":"p"},',
      '{"type":"bearer","token":"t"} or {"type":"oauth2","tokenUrl":"https://...","clientId":"c","clientSecret":"s"}.',
      'Headers given replace the endpoint headers. Secrets are stored encrypted and shown masked.',
    ],
    options: {
      header: { type: 'string', multiple: true },
      'secret-header': { type: 'string', multiple: true },
      'clear-headers': { type: 'boolean' },
      'auth-file': { type: 'string' },
      'no-auth': { type: 'boolean' },
      'client-cert': { type: 'string' },
      'client-key': { type: 'string' },
      'no-client-cert': { type: 'boolean' },
      'retry-schedule': { type: 'string' },
      'default-retry-schedule': { type: 'boolean' },
      timeout: { type: 'string' },
      'default-timeout': { type: 'boolean' },
    },
    positionals: { names: ['id'], min: 1, max: 1 },
    async run(ctx, { values, positionals: [id] }) {
      const body = await receiverBody(ctx, values);
      const api = await ctx.api();
      const response = await api.request<EndpointItem & Record<string, unknown>>(
        'PATCH',
        `/v1/endpoints/${encodeURIComponent(id as string)}`,
        { body },
      );
      if (ctx.json) return printJson(ctx, response);
      const e = response.json;
      const headers = (e.headers as { name: string; value: string }[] | undefined) ?? [];
      const auth = (e.receiverAuth as { type?: string } | undefined)?.type ?? 'none';
      ctx.out(`updated ${e.id}`);
      ctx.out(`headers: ${headers.map((h) => `${h.name}: ${h.value}`).join(', ') || 'none'}`);
      ctx.out(`receiver auth: ${auth}`);
      ctx.out(`client certificate: ${e.clientCertificate ? 'yes' : 'none'}`);
      ctx.out(`retry schedule: ${(e.retrySchedule as string | null) ?? 'runtime default'}`);
      ctx.out(
        `timeout: ${e.timeoutMs === null || e.timeoutMs === undefined ? 'runtime default' : `${e.timeoutMs} ms`}`,
      );
    },
  },
];
