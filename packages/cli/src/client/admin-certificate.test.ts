import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClusterCa, createKeyAndCsr, readCertificate, signCertificate, type CaMaterial } from '@berth/api/pki';
import { createAdminCertificate, parseValidityDays, type AdminCertificateDeps } from './admin-certificate.js';
import type { CertificateRequest } from './control-api.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A control client whose IssueCertificate is a real CA, and what it was asked. */
function fakeScheduler(ca: CaMaterial, sign: (csrPem: string, validityDays?: number) => Promise<string> = defaultSigner(ca)) {
  const requests: CertificateRequest[] = [];
  let opened = 0;
  let closed = 0;
  const deps: AdminCertificateDeps = {
    openClient: () => {
      opened++;
      return Promise.resolve({
        issueCertificate: async (request: CertificateRequest) => {
          requests.push(request);
          const certificatePem = await sign(request.csrPem, request.validityDays);
          return { certificatePem, caCertificatePem: ca.certPem, notAfter: readCertificate(certificatePem).notAfter };
        },
        close: () => {
          closed++;
        },
      });
    },
    createKeyAndCsr,
  };
  return { deps, requests, opened: () => opened, closed: () => closed };
}

function defaultSigner(ca: CaMaterial) {
  return async (csrPem: string, validityDays?: number): Promise<string> =>
    (await signCertificate({ ca, csrPem, role: 'admin', ...(validityDays !== undefined ? { validityMs: validityDays * DAY_MS } : {}) })).certPem;
}

describe('createAdminCertificate', () => {
  let ca: CaMaterial;
  let root = '';
  beforeAll(async () => {
    ca = await createClusterCa();
  });
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'berth-cert-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes ca.crt, cert.crt and cert.key (0600) into a new 0700 dir; only the CSR is sent', async () => {
    const scheduler = fakeScheduler(ca);
    const dir = path.join(root, 'certs', 'ops');
    const written = await createAdminCertificate({ name: 'ops', outDir: dir, validityDays: 30, force: false }, scheduler.deps);

    expect(readdirSync(dir).sort()).toEqual(['ca.crt', 'cert.crt', 'cert.key']);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'cert.key')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'cert.crt')).mode & 0o777).toBe(0o644);
    expect(readFileSync(path.join(dir, 'ca.crt'), 'utf8').trim()).toBe(ca.certPem.trim());
    const info = readCertificate(readFileSync(path.join(dir, 'cert.crt'), 'utf8'));
    expect(info).toMatchObject({ commonName: 'ops', role: 'admin' });
    expect(written).toEqual({ dir, files: { ca: path.join(dir, 'ca.crt'), cert: path.join(dir, 'cert.crt'), key: path.join(dir, 'cert.key') }, notAfter: info.notAfter });
    expect(Math.round((info.notAfter.getTime() - info.notBefore.getTime()) / DAY_MS)).toBe(30);

    expect(scheduler.requests).toHaveLength(1);
    expect(scheduler.requests[0]).toMatchObject({ role: 'admin', validityDays: 30 });
    const key = readFileSync(path.join(dir, 'cert.key'), 'utf8');
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(JSON.stringify(scheduler.requests)).not.toContain(key.split('\n')[1]);
    expect(scheduler.closed()).toBe(1);
  });

  it('refuses to overwrite existing files before asking the scheduler, and replaces them with force', async () => {
    const dir = path.join(root, 'admin');
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(path.join(dir, 'cert.key'), 'old key');
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const scheduler = fakeScheduler(ca);

    await expect(createAdminCertificate({ name: 'admin', outDir: dir, force: false }, scheduler.deps)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `${dir} already holds cert.key; pass --force to replace them, or choose another --out or --name`,
    });
    expect(scheduler.opened()).toBe(0);
    expect(readFileSync(path.join(dir, 'cert.key'), 'utf8')).toBe('old key');

    await createAdminCertificate({ name: 'admin', outDir: dir, force: true }, scheduler.deps);
    expect(readFileSync(path.join(dir, 'cert.key'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(statSync(path.join(dir, 'cert.key')).mode & 0o777).toBe(0o600);
    // A dir the person made is theirs: its mode and other files are left alone.
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(readdirSync(dir).sort()).toEqual(['ca.crt', 'cert.crt', 'cert.key', 'notes.txt']);
    expect(scheduler.requests[0]).not.toHaveProperty('validityDays');
  });

  it('writes nothing when the scheduler answers a certificate for another key', async () => {
    const other = await createKeyAndCsr('admin', 'admin');
    const scheduler = fakeScheduler(ca, async () => (await signCertificate({ ca, csrPem: other.csrPem, role: 'admin' })).certPem);
    const dir = path.join(root, 'admin');
    await expect(createAdminCertificate({ name: 'admin', outDir: dir, force: false }, scheduler.deps)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'the scheduler answered with a certificate for another key',
    });
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses a name that is not a certificate name, and an --out that is a file', async () => {
    const scheduler = fakeScheduler(ca);
    await expect(createAdminCertificate({ name: '../x', outDir: root, force: false }, scheduler.deps)).rejects.toMatchObject({ code: 'USAGE' });
    const file = path.join(root, 'file');
    writeFileSync(file, '');
    await expect(createAdminCertificate({ name: 'admin', outDir: file, force: true }, scheduler.deps)).rejects.toMatchObject({
      code: 'USAGE',
      message: `${file} exists and is not a directory`,
    });
    expect(scheduler.opened()).toBe(0);
  });
});

describe('parseValidityDays', () => {
  it('takes whole days from 1', () => {
    expect(parseValidityDays('365')).toBe(365);
    for (const bad of ['0', '-1', '1.5', 'ten', '']) expect(() => parseValidityDays(bad)).toThrow(/--days must be a whole number of days/);
  });
});
