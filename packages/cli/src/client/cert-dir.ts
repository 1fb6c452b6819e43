/**
 * A client certificate dir, as `berth cert create --admin` writes it and a tcp:// Control
 * address needs it:
 *
 *   <dir>/ca.crt     the cluster CA (the only issuer the client trusts for the scheduler)
 *   <dir>/cert.crt   the admin certificate
 *   <dir>/cert.key   its private key (mode 0600)
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BerthError } from '@berth/api/domain';

/** The files of a cert dir, by role. */
export const CERT_DIR_FILES = { ca: 'ca.crt', cert: 'cert.crt', key: 'cert.key' } as const;

/** PEM material for a TLS client connection. */
export interface ClientTlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/**
 * Reads the three files; BerthError FILE_UNREADABLE naming the first missing or unreadable one
 * and how to make it, so a person is not left with a TLS handshake error. `purpose` starts the
 * message (what needs the certificate); `dirOrigin` says where the dir was named ('default'
 * when nothing named it).
 */
export async function readCertDir(dir: string, purpose: string, dirOrigin?: string): Promise<ClientTlsMaterial> {
  const origin = dirOrigin === undefined ? '' : dirOrigin === 'default' ? ' (the default cert dir)' : ` (cert dir from ${dirOrigin})`;
  const read = async (name: string): Promise<string> => {
    const file = path.join(dir, name);
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      const why = missing ? 'does not exist' : `cannot be read (${(e as Error).message})`;
      throw new BerthError(
        'FILE_UNREADABLE',
        `${purpose} needs a client certificate, but ${file} ${why}${origin}; \`berth cert create --admin --out DIR\`, run against the scheduler's control socket, writes ca.crt, cert.crt and cert.key — then name DIR with --cert-dir, BERTH_CERT_DIR or \`berth context set\``,
        { context: { file }, cause: e },
      );
    }
  };
  return { caPem: await read(CERT_DIR_FILES.ca), certPem: await read(CERT_DIR_FILES.cert), keyPem: await read(CERT_DIR_FILES.key) };
}
