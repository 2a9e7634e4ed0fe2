import { createPrivateKey, X509Certificate } from 'node:crypto';
import { InvalidReceiverOptionError } from './errors.ts';

/**
 * A client certificate must parse, be current and match its private key; found at registration
 * rather than as TLS failures on every delivery. The messages never quote the key.
 */
export function checkClientCertificate(certificatePem: string, privateKeyPem: string, now: Date): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    throw new InvalidReceiverOptionError(
      'clientCertificate.certificate is not a PEM certificate (-----BEGIN CERTIFICATE-----...)',
    );
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    throw new InvalidReceiverOptionError(
      'clientCertificate.privateKey is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----...)',
    );
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new InvalidReceiverOptionError('clientCertificate.privateKey does not belong to the certificate');
  }
  if (new Date(certificate.validTo).getTime() <= now.getTime()) {
    throw new InvalidReceiverOptionError(`clientCertificate.certificate expired on ${certificate.validTo}`);
  }
}
