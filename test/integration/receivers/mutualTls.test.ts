import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../../support/testCertificates.ts';
import { attemptsOf, useLoggedRuntime } from './receiverSupport.ts';

const certificates: TestCertificates = makeTestCertificates();
// The sender trusts the test CA through configuration, for this runtime only.
const harness = useLoggedRuntime({ ROWHOOK_DELIVERY_CA_FILE: certificates.caFile });
let server: Server;
let url: string;
let apiKey: string;
const received: { clientName: string | undefined; webhookId: string }[] = [];

beforeAll(async () => {
  // Requires a client certificate issued by the test CA; anything else fails the handshake.
  server = createServer(
    {
      key: certificates.serverKey,
      cert: certificates.serverCert,
      ca: certificates.ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      received.push({ clientName: String(peer.subject?.CN), webhookId: String(req.headers['webhook-id']) });
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  apiKey = (await harness.api.createTenant('mtls')).apiKey;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  certificates.remove();
});

describe('mutual TLS', () => {
  it('presents the endpoint client certificate to a receiver that requires one', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url,
      clientCertificate: { certificate: certificates.clientCert, privateKey: certificates.clientKey },
    });
    expect(created.status).toBe(201);
    expect(created.json.clientCertificate).toMatchObject({ privateKey: '********' });
    expect(JSON.stringify(created.json)).not.toContain('PRIVATE KEY');
    const before = received.length;
    expect((await harness.api.call('POST', `/v1/endpoints/${created.json.id}/test`, apiKey)).status).toBe(
      202,
    );
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(before + 1);
    expect(received[before]?.clientName).toBe('rowhook-client');
    await expect
      .poll(async () => (await attemptsOf(harness, apiKey, created.json.id)).map((a) => a.status))
      .toEqual([200]);
  });

  it('fails the handshake without one (the receiver really requires it)', async () => {
    const created = await harness.api.call('POST', '/v1/endpoints', apiKey, { url, retrySchedule: '10m' });
    expect(created.status).toBe(201);
    const before = received.length;
    expect((await harness.api.call('POST', `/v1/endpoints/${created.json.id}/test`, apiKey)).status).toBe(
      202,
    );
    await expect
      .poll(async () => (await attemptsOf(harness, apiKey, created.json.id)).length, { timeout: 10_000 })
      .toBe(1);
    const [attempt] = await attemptsOf(harness, apiKey, created.json.id);
    expect(attempt?.status).toBeNull();
    expect(['tls', 'reset']).toContain(attempt?.errorClass);
    expect(received.length).toBe(before);
  });

  it('refuses a key that does not belong to the certificate, and mutual TLS on an API destination', async () => {
    const mismatched = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url,
      clientCertificate: { certificate: certificates.clientCert, privateKey: certificates.otherKey },
    });
    expect(mismatched.status).toBe(400);
    expect(mismatched.json.error.message).toContain('privateKey does not belong to the certificate');
    expect(mismatched.json.error.message).not.toContain('PRIVATE KEY');

    const dedicated = await harness.api.call('POST', '/v1/endpoints', apiKey, {
      url,
      transport: 'api-destination',
      clientCertificate: { certificate: certificates.clientCert, privateKey: certificates.clientKey },
    });
    expect(dedicated.status).toBe(400);
    expect(dedicated.json.error.message).toContain(
      'mutual TLS is not available on endpoints delivered by an EventBridge API destination',
    );
  });
});
