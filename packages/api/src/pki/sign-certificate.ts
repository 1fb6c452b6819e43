/**
 * Issuing a leaf certificate from a CSR. The CSR contributes only its public key (after its
 * signature proves the requester holds the private key) and its common name; the role, the
 * validity and the alternative names are the signer's decision.
 */
import { createPublicKey, X509Certificate as NodeX509Certificate, type webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import type { Pkcs10CertificateRequest, X509Certificate } from '@peculiar/x509';
import { BerthError } from '../errors.js';
import type { CaMaterial } from './cluster-ca.js';
import { leafSubject, randomSerialNumber, validityWindow, withNewline } from './certificate-fields.js';
import { checkCommonName, SCHEDULER_DNS_NAME, type CertificateRole } from './certificate-role.js';
import { importSigningKey } from './keys-and-csr.js';
import { loadX509, SIGNING_ALGORITHM, type X509 } from './load-x509.js';

/** Default lifetime of a node or admin certificate: 90 days. */
export const DEFAULT_CERT_VALIDITY_MS = 90 * 24 * 60 * 60 * 1000;

/** What signCertificate issues, and to whom. */
export interface SignOptions {
  ca: CaMaterial;
  csrPem: string;
  role: CertificateRole;
  /** When given, the CSR's CN must equal it (else BerthError USAGE). */
  commonName?: string;
  /** Lifetime (default DEFAULT_CERT_VALIDITY_MS); cut to the CA's own notAfter. */
  validityMs?: number;
  /** Issue time (default: now). */
  now?: Date;
  /** IP addresses for the subjectAltName. */
  ipAddresses?: string[];
  /** DNS names for the subjectAltName; a scheduler certificate always gets SCHEDULER_DNS_NAME too. */
  dnsNames?: string[];
}

/** An issued certificate (PEM) and its validity, exactly as encoded (whole seconds). */
export interface SignedCertificate {
  certPem: string;
  notBefore: Date;
  notAfter: Date;
}

/** The CA as x509 objects, imported once per CaMaterial object. */
interface CaSigner {
  cert: X509Certificate;
  key: webcrypto.CryptoKey;
}

const signers = new WeakMap<CaMaterial, { certPem: string; keyPem: string; signer: Promise<CaSigner> }>();

/** A certificate for the CSR's key, signed by the CA: keyUsage digitalSignature, extendedKeyUsage clientAuth+serverAuth. */
export async function signCertificate(options: SignOptions): Promise<SignedCertificate> {
  const x509 = await loadX509();
  const csr = await verifiedCsr(x509, options.csrPem);
  const commonName = csrCommonName(csr);
  if (options.commonName !== undefined && commonName !== options.commonName) {
    throw new BerthError(
      'USAGE',
      `the certificate signing request is for ${JSON.stringify(commonName)}, expected ${JSON.stringify(options.commonName)}`,
      { context: { commonName, expected: options.commonName } },
    );
  }
  const validityMs = options.validityMs ?? DEFAULT_CERT_VALIDITY_MS;
  if (!(validityMs > 0) || !Number.isFinite(validityMs)) {
    throw new BerthError('USAGE', `certificate validity must be a positive number of milliseconds, not ${validityMs}`);
  }
  const ca = await caSigner(x509, options.ca);
  const window = validityWindow(options.now ?? new Date(), validityMs);
  // A certificate cannot be valid longer than the CA that vouches for it.
  const notAfter = window.notAfter > ca.cert.notAfter ? ca.cert.notAfter : window.notAfter;
  const altNames = subjectAltNames(options);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: leafSubject(commonName, options.role),
    issuer: ca.cert.subjectName,
    notBefore: window.notBefore,
    notAfter,
    publicKey: csr.publicKey,
    signingKey: ca.key,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      ...(altNames.length > 0 ? [new x509.SubjectAlternativeNameExtension(altNames)] : []),
    ],
  });
  return { certPem: withNewline(cert.toString('pem')), notBefore: window.notBefore, notAfter };
}

/** The parsed CSR, after checking that its signature matches its own public key. */
async function verifiedCsr(x509: X509, csrPem: string): Promise<Pkcs10CertificateRequest> {
  let csr: Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (cause) {
    throw new BerthError('USAGE', 'not a PEM certificate signing request (PKCS#10)', { cause });
  }
  let valid: boolean;
  try {
    valid = await csr.verify();
  } catch (cause) {
    throw new BerthError('USAGE', 'the certificate signing request uses an unsupported key or signature', { cause });
  }
  if (!valid) {
    throw new BerthError('USAGE', 'the certificate signing request is not signed by its own key (tampered or corrupt)');
  }
  return csr;
}

/** The one CN of a CSR, checked to be a name berth issues certificates for. */
function csrCommonName(csr: Pkcs10CertificateRequest): string {
  const names = csr.subjectName.getField('CN');
  const [name] = names;
  if (names.length !== 1 || name === undefined) {
    throw new BerthError('USAGE', `the certificate signing request must name exactly one common name (CN), not ${names.length}`);
  }
  checkCommonName(name);
  return name;
}

/** The subjectAltName entries: the given DNS names and IPs, plus SCHEDULER_DNS_NAME for a scheduler. */
function subjectAltNames(options: SignOptions): { type: 'dns' | 'ip'; value: string }[] {
  const dns = new Set(options.dnsNames ?? []);
  if (options.role === 'scheduler') dns.add(SCHEDULER_DNS_NAME);
  for (const name of dns) {
    if (!/^[A-Za-z0-9*]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(name)) {
      throw new BerthError('USAGE', `not a DNS name: ${JSON.stringify(name)}`, { context: { name } });
    }
  }
  const ips = [...new Set(options.ipAddresses ?? [])];
  for (const ip of ips) {
    if (isIP(ip) === 0) throw new BerthError('USAGE', `not an IP address: ${JSON.stringify(ip)}`, { context: { ip } });
  }
  return [
    ...[...dns].map((value) => ({ type: 'dns' as const, value })),
    ...ips.map((value) => ({ type: 'ip' as const, value })),
  ];
}

/** The CA's certificate and signing key, imported once per CaMaterial (and again if its PEMs change). */
function caSigner(x509: X509, ca: CaMaterial): Promise<CaSigner> {
  const cached = signers.get(ca);
  if (cached !== undefined && cached.certPem === ca.certPem && cached.keyPem === ca.keyPem) return cached.signer;
  const signer = importCa(x509, ca);
  signers.set(ca, { certPem: ca.certPem, keyPem: ca.keyPem, signer });
  // A failed import is not cached: the next call reports the same error instead of a stale promise.
  signer.catch(() => {
    if (signers.get(ca)?.signer === signer) signers.delete(ca);
  });
  return signer;
}

/** Parses the CA material and checks that the key belongs to the certificate. */
async function importCa(x509: X509, ca: CaMaterial): Promise<CaSigner> {
  let nodeCert: NodeX509Certificate;
  try {
    nodeCert = new NodeX509Certificate(ca.certPem);
  } catch (cause) {
    throw new BerthError('USAGE', 'the CA certificate is not a PEM certificate', { cause });
  }
  const key = await importSigningKey(ca.keyPem);
  const publicFromKey = createPublicKey(ca.keyPem).export({ type: 'spki', format: 'der' });
  if (!publicFromKey.equals(nodeCert.publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new BerthError('USAGE', 'the CA key does not belong to the CA certificate');
  }
  if (!nodeCert.ca) throw new BerthError('USAGE', 'the CA certificate is not a CA (basicConstraints CA:FALSE)');
  return { cert: new x509.X509Certificate(nodeCert.raw), key };
}
