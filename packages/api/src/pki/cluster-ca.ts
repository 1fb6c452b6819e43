/**
 * The cluster certificate authority: a self-signed ECDSA P-256 certificate whose fingerprint the
 * join token carries, so a joining agent can pin it before trusting anything the scheduler says.
 */
import { randomBytes } from 'node:crypto';
import { BerthError } from '../errors.js';
import { randomSerialNumber, validityWindow, withNewline } from './certificate-fields.js';
import { generateKeyPair, privateKeyToPem } from './keys-and-csr.js';
import { loadX509, SIGNING_ALGORITHM } from './load-x509.js';

/** The CA certificate and its private key (PKCS#8), both PEM. The key signs every cluster certificate. */
export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

/** Options of createClusterCa. */
export interface ClusterCaOptions {
  /** Issue time (default: now). */
  now?: Date;
  /** Lifetime in days (default 3650, ten years). */
  validityDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_CA_VALIDITY_DAYS = 3650;

/** A new cluster CA: self-signed, `CA:TRUE` (critical, no intermediates), keyCertSign|cRLSign. */
export async function createClusterCa(options: ClusterCaOptions = {}): Promise<CaMaterial> {
  const validityDays = options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS;
  if (!(validityDays > 0)) {
    throw new BerthError('USAGE', `CA validity must be a positive number of days, not ${validityDays}`);
  }
  const x509 = await loadX509();
  const keys = await generateKeyPair();
  const { notBefore, notAfter } = validityWindow(options.now ?? new Date(), validityDays * DAY_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    // A random suffix gives every cluster's CA its own name, so a certificate from another
    // cluster fails as "unknown issuer" rather than matching our CA by name.
    name: [{ O: ['berth'] }, { CN: [`berth cluster CA ${randomBytes(4).toString('hex')}`] }],
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: withNewline(cert.toString('pem')), keyPem: privateKeyToPem(keys.privateKey) };
}
