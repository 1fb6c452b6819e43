/**
 * Handing a renewed certificate to server credentials that grpc-js is already serving with.
 *
 * grpc-js servers watch their ServerCredentials: `updateSecureContextOptions(options)` makes
 * every listener built from them call `setSecureContext` with the new options, so new
 * handshakes present the new certificate while open connections carry on. The method is
 * `protected` in grpc-js's typings (it is meant for subclasses such as the certificate-provider
 * credentials) but is a plain method at run time on every ServerCredentials, including the
 * `ClusterServerCredentials` of `@berth/api/pki`. The request options (ask for / require a
 * client certificate) are the constructor's and are not part of this update, so they stay.
 *
 * Should a grpc-js upgrade drop the method, this throws (BerthError INTERNAL) rather than
 * silently serving an expiring certificate; the scheduler logs it and retries, and a restart
 * issues a fresh certificate in any case.
 */
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { ServerCredentials } from '@grpc/grpc-js';
import { BerthError } from '@berth/api';
import type { TlsMaterial } from '@berth/api/pki';

interface UpdatableCredentials {
  updateSecureContextOptions?: (options: SecureContextOptions | null) => void;
}

/** The secure context options for a server presenting `material.certPem` (cert, then CA) with `material.keyPem`, trusting `material.caPem`. */
export function serverContextOptions(material: TlsMaterial): SecureContextOptions {
  const ca = `${material.caPem.trimEnd()}\n`;
  const cert = `${material.certPem.trimEnd()}\n`;
  // The chain ends with the CA, so a joining agent can read the CA off the handshake and pin it.
  const chain = cert.endsWith(ca) ? cert : cert + ca;
  return { ca: Buffer.from(material.caPem), cert: [Buffer.from(chain)], key: [Buffer.from(material.keyPem)] };
}

/** Makes `credentials` (and every listener serving with them) present `material` from the next handshake on. */
export function replaceServerIdentity(credentials: ServerCredentials, material: TlsMaterial): void {
  const update = (credentials as unknown as UpdatableCredentials).updateSecureContextOptions;
  if (typeof update !== 'function') {
    throw new BerthError('INTERNAL', 'these grpc-js server credentials cannot take a renewed certificate; restart the scheduler before it expires');
  }
  const options = serverContextOptions(material);
  // A bad pair would make grpc-js drop every new connection (it only logs why): check it first.
  try {
    createSecureContext(options);
  } catch (error) {
    throw new BerthError('INTERNAL', `the renewed TLS material is unusable: ${(error as Error).message}`, { cause: error });
  }
  update.call(credentials, options);
}
