// The CA, CSR and signing round trip, read back with node:crypto only (readCertificate).
import { createHash, X509Certificate, webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isBerthError } from '../errors.js';
import {
  certificateFingerprint,
  createClusterCa,
  createKeyAndCsr,
  DEFAULT_CERT_VALIDITY_MS,
  readCertificate,
  signCertificate,
  type CaMaterial,
} from './index.js';
import { loadX509 } from './load-x509.js';

const NOW = new Date('2026-06-01T12:00:00.500Z');
const DAY_MS = 24 * 60 * 60 * 1000;

let ca: CaMaterial;
let otherCa: CaMaterial;
beforeAll(async () => {
  [ca, otherCa] = await Promise.all([createClusterCa({ now: NOW }), createClusterCa({ now: NOW })]);
});

/** The BerthError code and message a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    if (isBerthError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a rejection');
}

/** A CSR whose public key is not the key that signed it. */
async function tamperedCsr(): Promise<string> {
  const x509 = await loadX509();
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
  const a = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const b = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=0123456789abcdef',
    keys: { publicKey: a.publicKey, privateKey: b.privateKey },
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  return csr.toString('pem');
}

describe('createClusterCa', () => {
  it('is a self-signed CA valid for ten years from a minute before now', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.checkIssued(cert)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const info = readCertificate(ca.certPem);
    expect(info.role).toBeUndefined();
    expect(info.commonName).toMatch(/^berth cluster CA [0-9a-f]{8}$/);
    expect(info.notBefore).toEqual(new Date('2026-06-01T11:59:00Z'));
    expect(info.notAfter).toEqual(new Date('2036-05-29T12:00:00Z'));
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('gives every cluster its own CA name and key', () => {
    expect(readCertificate(otherCa.certPem).commonName).not.toBe(readCertificate(ca.certPem).commonName);
    expect(certificateFingerprint(otherCa.certPem)).not.toBe(certificateFingerprint(ca.certPem));
  });
});

describe('signCertificate', () => {
  it('issues a node certificate that reads back with its CN, role and validity, signed by the CA', async () => {
    const { keyPem, csrPem } = await createKeyAndCsr('0123456789abcdef', 'node');
    const signed = await signCertificate({ ca, csrPem, role: 'node', now: NOW, validityMs: 3_600_000 });
    const info = readCertificate(signed.certPem);
    expect(info).toMatchObject({ commonName: '0123456789abcdef', role: 'node' });
    expect(info.notBefore).toEqual(new Date('2026-06-01T11:59:00Z'));
    expect(info.notAfter).toEqual(new Date('2026-06-01T13:00:00Z'));
    expect({ notBefore: signed.notBefore, notAfter: signed.notAfter }).toEqual({
      notBefore: info.notBefore,
      notAfter: info.notAfter,
    });
    expect(info.serialNumber).toMatch(/^[0-9a-f]{32}$/);

    const cert = new X509Certificate(signed.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.verify(new X509Certificate(otherCa.certPem).publicKey)).toBe(false);
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
    expect(cert.checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(keyPem)))).toBe(true);
    expect(cert.subjectAltName).toBeUndefined();
  });

  it('defaults to 90 days and never outlives the CA', async () => {
    const { csrPem } = await createKeyAndCsr('admin-1', 'admin');
    const normal = await signCertificate({ ca, csrPem, role: 'admin', now: NOW });
    expect(normal.notAfter.getTime() - NOW.getTime()).toBe(DEFAULT_CERT_VALIDITY_MS - 500);
    expect(DEFAULT_CERT_VALIDITY_MS).toBe(90 * DAY_MS);

    const shortCa = await createClusterCa({ now: NOW, validityDays: 1 });
    const clamped = await signCertificate({ ca: shortCa, csrPem, role: 'admin', now: NOW });
    expect(clamped.notAfter).toEqual(readCertificate(shortCa.certPem).notAfter);
    expect(readCertificate(clamped.certPem).notAfter).toEqual(clamped.notAfter);
  });

  it('takes the role from the signer, not from the CSR', async () => {
    const { csrPem } = await createKeyAndCsr('0123456789abcdef', 'scheduler');
    const signed = await signCertificate({ ca, csrPem, role: 'node' });
    expect(readCertificate(signed.certPem).role).toBe('node');
  });

  it('puts berth-scheduler and the given IPs into a scheduler certificate', async () => {
    const { csrPem } = await createKeyAndCsr('berth-scheduler', 'scheduler');
    const signed = await signCertificate({ ca, csrPem, role: 'scheduler', ipAddresses: ['127.0.0.1', '::1'] });
    const san = new X509Certificate(signed.certPem).subjectAltName ?? '';
    expect(san.split(', ')).toEqual(['DNS:berth-scheduler', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']);
    const withNames = await signCertificate({ ca, csrPem, role: 'node', dnsNames: ['host-a.example'] });
    expect(new X509Certificate(withNames.certPem).subjectAltName).toBe('DNS:host-a.example');
  });

  it('refuses a CSR signed by another key than its own', async () => {
    expect(await failure(signCertificate({ ca, csrPem: await tamperedCsr(), role: 'node' }))).toEqual({
      code: 'USAGE',
      message: 'the certificate signing request is not signed by its own key (tampered or corrupt)',
    });
  });

  it('refuses a CSR for another common name than expected', async () => {
    const { csrPem } = await createKeyAndCsr('aaaaaaaaaaaaaaaa', 'node');
    const result = await failure(signCertificate({ ca, csrPem, role: 'node', commonName: 'bbbbbbbbbbbbbbbb' }));
    expect(result).toEqual({
      code: 'USAGE',
      message: 'the certificate signing request is for "aaaaaaaaaaaaaaaa", expected "bbbbbbbbbbbbbbbb"',
    });
  });

  it('refuses a common name that could smuggle in another attribute', async () => {
    await expect(createKeyAndCsr('x, OU=berth-scheduler', 'node')).rejects.toMatchObject({ code: 'USAGE' });
    const x509 = await loadX509();
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: [{ CN: ['x, OU=berth-scheduler'] }],
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    const result = await failure(signCertificate({ ca, csrPem: csr.toString('pem'), role: 'node' }));
    expect(result.code).toBe('USAGE');
    expect(result.message).toContain('invalid certificate name');
  });

  it('refuses what is not a CSR, a bad IP, a bad validity, and a key of another CA', async () => {
    const { csrPem } = await createKeyAndCsr('node-a', 'node');
    expect(await failure(signCertificate({ ca, csrPem: 'hello', role: 'node' }))).toMatchObject({
      code: 'USAGE',
      message: 'not a PEM certificate signing request (PKCS#10)',
    });
    expect(await failure(signCertificate({ ca, csrPem, role: 'node', ipAddresses: ['300.1.1.1'] }))).toMatchObject({
      code: 'USAGE',
      message: 'not an IP address: "300.1.1.1"',
    });
    expect(await failure(signCertificate({ ca, csrPem, role: 'node', validityMs: 0 }))).toMatchObject({ code: 'USAGE' });
    const mixed = { certPem: ca.certPem, keyPem: otherCa.keyPem };
    expect(await failure(signCertificate({ ca: mixed, csrPem, role: 'node' }))).toEqual({
      code: 'USAGE',
      message: 'the CA key does not belong to the CA certificate',
    });
  });
});

describe('readCertificate / certificateFingerprint', () => {
  it('fingerprints the DER with SHA-256, as lowercase hex', () => {
    const expected = new X509Certificate(ca.certPem).fingerprint256.replaceAll(':', '').toLowerCase();
    expect(certificateFingerprint(ca.certPem)).toBe(expected);
    expect(readCertificate(ca.certPem).fingerprint).toBe(expected);
    const der = new X509Certificate(ca.certPem).raw;
    expect(createHash('sha256').update(der).digest('hex')).toBe(expected);
  });

  it('refuses what is not a certificate', () => {
    expect(() => readCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(
      expect.objectContaining({ code: 'USAGE', message: 'not a PEM certificate' }),
    );
    expect(() => certificateFingerprint('')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
