/**
 * Reading certificates with node:crypto only (no @peculiar/x509), so the agent, the CLI and every
 * scheduler handler can inspect a certificate without loading the writer.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { BerthError } from '../errors.js';
import { roleFromOrganizationalUnits, type CertificateRole } from './certificate-role.js';

/** What berth reads from a certificate. */
export interface CertificateInfo {
  /** The subject CN: a node id, an admin name or `berth-scheduler` ('' when absent). */
  commonName: string;
  /** From `OU=berth-<role>`; undefined when the certificate carries no (or an ambiguous) berth role. */
  role: CertificateRole | undefined;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER encoding, lowercase hex. */
  fingerprint: string;
  /** Lowercase hex. */
  serialNumber: string;
}

/** A subject as Node's TLS layer and X509Certificate.toLegacyObject() give it. */
export interface SubjectFields {
  CN?: string | string[];
  OU?: string | string[];
}

/** The fields of the first certificate in `pem`; BerthError USAGE when it holds none. */
export function readCertificate(pem: string): CertificateInfo {
  const cert = parseCertificate(pem);
  return {
    ...identityFromSubject(cert.toLegacyObject().subject),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    fingerprint: sha256Hex(cert.raw),
    serialNumber: cert.serialNumber.toLowerCase(),
  };
}

/** SHA-256 of the first certificate in `pem` (DER), lowercase hex: what a join token pins. */
export function certificateFingerprint(pem: string): string {
  return sha256Hex(parseCertificate(pem).raw);
}

/** The common name and berth role of a subject. */
export function identityFromSubject(subject: SubjectFields | undefined): {
  commonName: string;
  role: CertificateRole | undefined;
} {
  const cn = subject?.CN;
  // Several CNs are ambiguous: no name rather than a guess.
  const commonName = typeof cn === 'string' ? cn : cn?.length === 1 ? (cn[0] ?? '') : '';
  return { commonName, role: roleFromOrganizationalUnits(subject?.OU) };
}

/** Lowercase hex SHA-256 of `der`. */
export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

function parseCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new BerthError('USAGE', 'not a PEM certificate', { cause });
  }
}
