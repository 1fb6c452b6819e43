/** Certificates for tests: a throwaway CA, and keys with certificates it signed for any role. */
import { createClusterCa, createKeyAndCsr, signCertificate, type CaMaterial, type CertificateRole, type TlsMaterial } from '@berth/api/pki';

/** A key and the certificate a CA signed for it, with that CA's certificate. */
export type TestCertificate = TlsMaterial;

let sharedCa: Promise<CaMaterial> | undefined;

/** One CA per test file (made once: key generation is the slow part). */
export function testCa(): Promise<CaMaterial> {
  sharedCa ??= createClusterCa();
  return sharedCa;
}

/** A certificate signed by `ca` for `commonName` with `role` (validity `validityMs`, default 1 h; `ipAddresses` as SANs). */
export async function testCertificate(
  ca: CaMaterial,
  commonName: string,
  role: CertificateRole,
  options: { validityMs?: number; ipAddresses?: string[]; now?: Date } = {},
): Promise<TestCertificate> {
  const { keyPem, csrPem } = await createKeyAndCsr(commonName, role);
  const signed = await signCertificate({
    ca,
    csrPem,
    role,
    validityMs: options.validityMs ?? 3_600_000,
    ...(options.ipAddresses !== undefined ? { ipAddresses: options.ipAddresses } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  return { caPem: ca.certPem, certPem: signed.certPem, keyPem };
}
