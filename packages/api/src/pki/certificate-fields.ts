/** Field values shared by every certificate berth issues: serial number, validity window, subject. */
import { randomBytes } from 'node:crypto';
import type { JsonName } from '@peculiar/x509';
import { roleOrganizationalUnit, type CertificateRole } from './certificate-role.js';

/** How far back notBefore is set, so a peer whose clock is slightly behind accepts a new certificate. */
export const CLOCK_SKEW_MS = 60_000;

/** A random positive 16-byte serial number, as hex (RFC 5280 allows up to 20 bytes). */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  // 0x01..0x7f as the first byte keeps the DER INTEGER positive and exactly 16 bytes long.
  bytes[0] = 1 + ((bytes[0] ?? 0) % 0x7f);
  return bytes.toString('hex');
}

/** The validity window of a certificate issued at `now` for `validityMs`, in whole seconds as X.509 stores it. */
export function validityWindow(now: Date, validityMs: number): { notBefore: Date; notAfter: Date } {
  const toSecond = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);
  return { notBefore: toSecond(now.getTime() - CLOCK_SKEW_MS), notAfter: toSecond(now.getTime() + validityMs) };
}

/** The subject of a leaf certificate or CSR: `OU=berth-<role>, CN=<commonName>` (built as structure, never parsed from text). */
export function leafSubject(commonName: string, role: CertificateRole): JsonName {
  return [{ OU: [roleOrganizationalUnit(role)] }, { CN: [commonName] }];
}

/** `pem` ending with exactly one newline, so PEM blocks concatenate into a valid chain. */
export function withNewline(pem: string): string {
  return `${pem.trimEnd()}\n`;
}
