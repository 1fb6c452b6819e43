/**
 * `berth cert create --admin`: makes a key and a CSR here (the key never leaves the machine),
 * has the cluster CA sign the CSR (Control.IssueCertificate) and writes a cert dir:
 *
 *   <dir>/ca.crt    0644   the cluster CA
 *   <dir>/cert.crt  0644   the admin certificate
 *   <dir>/cert.key  0600   its key
 *
 * A dir it creates is 0700. Existing files are refused before anything is asked of the
 * scheduler, unless `force`; each file is written beside its final name and renamed into place,
 * so a failure never leaves a key that does not match its certificate under the final names.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { BerthError } from '@berth/api/domain';
import { CERT_DIR_FILES } from './cert-dir.js';
import type { ControlClient, IssuedCertificateView } from './control-api.js';
import { replaceFile } from './replace-file.js';

/** What to create. */
export interface AdminCertificateOptions {
  /** The certificate's common name. */
  name: string;
  /** Absolute dir to write. */
  outDir: string;
  /** Validity in days; absent = the scheduler's default (90). */
  validityDays?: number | undefined;
  /** Replace existing files. */
  force: boolean;
}

/** What {@link createAdminCertificate} needs from outside: the scheduler and the key maker. */
export interface AdminCertificateDeps {
  /** Opened only once the files are known to be writable. */
  openClient: () => Promise<Pick<ControlClient, 'issueCertificate' | 'close'>>;
  createKeyAndCsr: (commonName: string, role: 'admin') => Promise<{ keyPem: string; csrPem: string }>;
}

/** What was written. */
export interface WrittenCertificate {
  dir: string;
  files: { ca: string; cert: string; key: string };
  notAfter: Date;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks an admin certificate name (it is also a dir name); BerthError USAGE otherwise. */
export function checkCertificateName(name: string): void {
  if (!NAME.test(name)) {
    throw new BerthError('USAGE', `invalid certificate name ${JSON.stringify(name)}: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
}

/** Parses `--days`: a whole number of days, at least 1. */
export function parseValidityDays(text: string): number {
  const days = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(days) || days < 1) throw new BerthError('USAGE', `--days must be a whole number of days, at least 1 (got ${JSON.stringify(text)})`);
  return days;
}

/** Creates and writes the certificate; see the module comment. */
export async function createAdminCertificate(options: AdminCertificateOptions, deps: AdminCertificateDeps): Promise<WrittenCertificate> {
  checkCertificateName(options.name);
  const dir = options.outDir;
  const files = {
    ca: path.join(dir, CERT_DIR_FILES.ca),
    cert: path.join(dir, CERT_DIR_FILES.cert),
    key: path.join(dir, CERT_DIR_FILES.key),
  };
  await checkWritable(dir, Object.values(files), options.force);

  const { keyPem, csrPem } = await deps.createKeyAndCsr(options.name, 'admin');
  const client = await deps.openClient();
  let issued: IssuedCertificateView;
  try {
    const request: Parameters<ControlClient['issueCertificate']>[0] = { role: 'admin', csrPem };
    if (options.validityDays !== undefined) request.validityDays = options.validityDays;
    issued = await client.issueCertificate(request);
  } finally {
    client.close();
  }
  checkIssued(issued.certificatePem, issued.caCertificatePem, keyPem);

  // Before the key is written: a dir this command creates is its owner's alone.
  if (await makeDir(dir)) await chmod(dir, 0o700);
  await replaceFile(files.ca, withNewline(issued.caCertificatePem), 0o644);
  await replaceFile(files.cert, withNewline(issued.certificatePem), 0o644);
  await replaceFile(files.key, withNewline(keyPem), 0o600);
  return { dir, files, notAfter: issued.notAfter };
}

async function checkWritable(dir: string, files: string[], force: boolean): Promise<void> {
  const dirStat = await lstat(dir).catch(() => undefined);
  if (dirStat !== undefined && !dirStat.isDirectory()) throw new BerthError('USAGE', `${dir} exists and is not a directory`, { context: { dir } });
  if (force) return;
  const existing: string[] = [];
  for (const file of files) if ((await lstat(file).catch(() => undefined)) !== undefined) existing.push(path.basename(file));
  if (existing.length > 0) {
    throw new BerthError('CONFLICT', `${dir} already holds ${existing.join(', ')}; pass --force to replace them, or choose another --out or --name`, {
      context: { dir, existing },
    });
  }
}

// The scheduler is trusted to sign, not to answer sensibly: a certificate for another key, or
// one its own CA did not sign, would only fail later at a TLS handshake with a worse message.
function checkIssued(certPem: string, caPem: string, keyPem: string): void {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    ca = new X509Certificate(caPem);
  } catch (e) {
    throw new BerthError('INTERNAL', `the scheduler answered with a certificate that cannot be read: ${(e as Error).message}`, { cause: e });
  }
  if (!cert.checkPrivateKey(createPrivateKey(keyPem))) throw new BerthError('INTERNAL', 'the scheduler answered with a certificate for another key');
  if (!cert.verify(ca.publicKey)) throw new BerthError('INTERNAL', 'the scheduler answered with a certificate its CA did not sign');
}

async function makeDir(dir: string): Promise<boolean> {
  const existed = (await lstat(dir).catch(() => undefined)) !== undefined;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return !existed;
}

function withNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : pem + '\n';
}
