import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TokenRequest {
  authorization: string | undefined;
  form: URLSearchParams;
}

/**
 * A small OAuth2 token endpoint on 127.0.0.1 for the client-credentials grant: checks the client,
 * issues `tok-<n>` tokens with the expires_in the test sets, counts requests, can be made to fail,
 * and can revoke a token so a receiver checking with `isValid` answers 401 to it.
 */
export class OAuth2TokenServer {
  readonly requests: TokenRequest[] = [];
  private readonly issued = new Set<string>();
  private server: Server | undefined;
  expiresIn = 3600;
  /** A status to answer instead of a token (e.g. 500); null: issue tokens. */
  failWith: number | null = null;
  url = '';

  constructor(
    private readonly clientId: string,
    private readonly clientSecret: string,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        this.requests.push({ authorization: req.headers.authorization, form });
        const json = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (this.failWith !== null) return json(this.failWith, { error: 'server_error' });
        if (form.get('grant_type') !== 'client_credentials')
          return json(400, { error: 'unsupported_grant_type' });
        if (!this.clientAuthenticated(req.headers.authorization, form))
          return json(401, { error: 'invalid_client' });
        const token = `tok-${this.requests.length}`;
        this.issued.add(token);
        json(200, { access_token: token, token_type: 'Bearer', expires_in: this.expiresIn });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/oauth/token`;
    return this;
  }

  /** Whether a receiver should accept `Authorization: <header>`. */
  isValid(header: string | undefined): boolean {
    const token = header?.match(/^Bearer (.+)$/)?.[1];
    return token !== undefined && this.issued.has(token);
  }

  revoke(token: string): void {
    this.issued.delete(token);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private clientAuthenticated(authorization: string | undefined, form: URLSearchParams): boolean {
    if (authorization?.startsWith('Basic ')) {
      // RFC 6749 §2.3.1: each part form-urlencoded (space as +) before the base64.
      const decode = (part = '') => decodeURIComponent(part.replace(/\+/g, ' '));
      const [id, secret] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
      return decode(id) === this.clientId && decode(secret) === this.clientSecret;
    }
    return form.get('client_id') === this.clientId && form.get('client_secret') === this.clientSecret;
  }
}
