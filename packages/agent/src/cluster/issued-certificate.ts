/**
 * Checking a certificate the scheduler issued (Join or Renew) before it is stored: a node
 * certificate for the id we asked for, signed by the CA we trust. Anything else would leave the
 * node unable to connect, so it is refused as a scheduler bug (INTERNAL) and nothing is saved.
 */
import { X509Certificate } from 'node:crypto';
import { BerthError, type wire } from '@berth/api';
import { certificateFingerprint, readCertificate } from '@berth/api/pki';

/**
 * The issued certificate when it is what was asked for: a node certificate for `nodeId`,
 * signed under the CA we pinned. Anything else is a scheduler bug (INTERNAL), not to be stored.
 */
export function checkIssued(
  issued: wire.IssuedCertificate | undefined,
  expected: { address: string; nodeId: string; caPem: string },
): wire.IssuedCertificate {
  const fail = (why: string, cause?: unknown): never => {
    throw new BerthError('INTERNAL', `the scheduler at ${expected.address} returned an unusable certificate: ${why}`, {
      context: { address: expected.address, nodeId: expected.nodeId },
      cause,
    });
  };
  if (issued === undefined || issued.certificatePem === '') return fail('none');
  let info;
  try {
    info = readCertificate(issued.certificatePem);
  } catch (error) {
    return fail('not a certificate', error);
  }
  if (info.commonName !== expected.nodeId) return fail(`it names node ${info.commonName}, not ${expected.nodeId}`);
  if (info.role !== 'node') return fail(`its role is ${info.role ?? 'missing'}, not node`);
  if (!new X509Certificate(issued.certificatePem).verify(new X509Certificate(expected.caPem).publicKey)) {
    return fail('it is not signed by the cluster CA');
  }
  if (issued.caCertificatePem !== '' && certificateFingerprint(issued.caCertificatePem) !== certificateFingerprint(expected.caPem)) {
    return fail('it comes with a different CA certificate than the one the scheduler presented');
  }
  return issued;
}
