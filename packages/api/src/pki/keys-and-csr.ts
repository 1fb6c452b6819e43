/**
 * Key pairs and certificate signing requests. The private key never leaves the process that made
 * it: an agent sends only the CSR, which proves it holds the key and names the node id it wants.
 */
import { createPrivateKey, KeyObject, webcrypto } from 'node:crypto';
import { BerthError } from '../errors.js';
import { leafSubject, withNewline } from './certificate-fields.js';
import { checkCommonName, type CertificateRole } from './certificate-role.js';
import { KEY_ALGORITHM, loadX509, SIGNING_ALGORITHM } from './load-x509.js';

/** A new private key (PKCS#8 PEM) and a CSR (PKCS#10 PEM) for it. */
export interface KeyAndCsr {
  keyPem: string;
  csrPem: string;
}

/** A new ECDSA P-256 key pair, extractable so its private half can be saved as PEM. */
export async function generateKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']));
}

/** The PKCS#8 PEM of a private CryptoKey. */
export function privateKeyToPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A signing CryptoKey from a P-256 private key PEM (PKCS#8 or SEC1); BerthError USAGE when it is not one. */
export async function importSigningKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  try {
    const der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
    return (await webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM, false, ['sign']));
  } catch (cause) {
    throw new BerthError('USAGE', 'not an ECDSA P-256 private key in PEM form', { cause });
  }
}

/** A new ECDSA P-256 key and a CSR for it with subject `OU=berth-<role>, CN=<commonName>`. */
export async function createKeyAndCsr(commonName: string, role: CertificateRole): Promise<KeyAndCsr> {
  checkCommonName(commonName);
  const x509 = await loadX509();
  const keys = await generateKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: leafSubject(commonName, role),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
  });
  return { keyPem: privateKeyToPem(keys.privateKey), csrPem: withNewline(csr.toString('pem')) };
}
