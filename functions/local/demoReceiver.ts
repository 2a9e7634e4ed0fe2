import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

// `npm run receiver`: a webhook receiver for trying Rowhook out. Prints every delivery and, when
// WEBHOOK_SECRET is set, verifies its signature with the standardwebhooks library.
const port = Number(process.env.PORT ?? 9000);
const secret = process.env.WEBHOOK_SECRET;
const verifier = secret ? new Webhook(secret) : undefined;

createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    let verdict = 'signature not checked (set WEBHOOK_SECRET)';
    if (verifier) {
      try {
        verifier.verify(body, request.headers as Record<string, string>);
        verdict = 'signature valid';
      } catch (error) {
        verdict = `SIGNATURE INVALID: ${(error as Error).message}`;
      }
    }
    process.stdout.write(
      `${request.method} ${request.url} webhook-id=${request.headers['webhook-id']} (${verdict})\n${body}\n\n`,
    );
    response.writeHead(verdict.startsWith('SIGNATURE INVALID') ? 400 : 200).end();
  });
}).listen(port, '127.0.0.1', () =>
  process.stdout.write(`Receiver listening on http://127.0.0.1:${port}/webhooks\n`),
);
