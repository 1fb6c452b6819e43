/**
 * Reading the cluster CA from the scheduler's TLS handshake, before the agent trusts anything.
 * Nothing is verified here: the caller compares the result's fingerprint with its join token,
 * which is what makes the CA trustworthy.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { BerthError } from '../errors.js';
import { withNewline } from './certificate-fields.js';

/** How long fetchCaCertificate waits for the handshake by default. */
export const FETCH_CA_TIMEOUT_MS = 5_000;

/** The root (self-signed) certificate of the chain the server at `address` (host:port) presents, PEM; BerthError UNAVAILABLE when it cannot. */
export async function fetchCaCertificate(address: string, options: { timeoutMs?: number } = {}): Promise<string> {
  const { host, port } = splitAddress(address);
  const timeoutMs = options.timeoutMs ?? FETCH_CA_TIMEOUT_MS;
  return new Promise<string>((resolve, reject) => {
    const socket = connect({
      host,
      port,
      rejectUnauthorized: false,
      ALPNProtocols: ['h2'],
      // SNI may not carry an IP address (RFC 6066).
      ...(isIP(host) === 0 ? { servername: host } : {}),
    });
    let settled = false;
    const finish = (error: BerthError | undefined, pem?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error !== undefined) reject(error);
      else resolve(pem ?? '');
    };
    const timer = setTimeout(() => {
      finish(
        new BerthError('UNAVAILABLE', `no TLS handshake with the scheduler at ${address} within ${timeoutMs} ms`, {
          context: { address, timeoutMs },
        }),
      );
    }, timeoutMs);
    socket.once('secureConnect', () => {
      try {
        finish(undefined, rootCertificatePem(socket.getPeerCertificate(true), address));
      } catch (error) {
        finish(error as BerthError);
      }
    });
    socket.once('error', (cause: NodeJS.ErrnoException) => finish(connectionError(address, cause)));
    socket.once('close', () => finish(notTls(address, undefined)));
  });
}

/** Follows issuerCertificate to the self-signed end of the presented chain. */
function rootCertificatePem(leaf: DetailedPeerCertificate, address: string): string {
  if (leaf.raw === undefined || leaf.raw.length === 0) {
    throw new BerthError('UNAVAILABLE', `the scheduler at ${address} presented no certificate`, { context: { address } });
  }
  let cert = leaf;
  // Bounded: a chain is a handful of certificates; Node marks the root by pointing it at itself.
  for (let depth = 0; depth < 10 && cert.issuerCertificate !== undefined && cert.issuerCertificate !== cert; depth++) {
    if (cert.issuerCertificate.raw.equals(cert.raw)) break;
    cert = cert.issuerCertificate;
  }
  const root = new X509Certificate(cert.raw);
  if (!root.checkIssued(root) || !root.verify(root.publicKey)) {
    throw new BerthError(
      'UNAVAILABLE',
      `the scheduler at ${address} did not send its CA certificate (the chain does not end in a self-signed root)`,
      { context: { address } },
    );
  }
  return withNewline(root.toString());
}

function connectionError(address: string, cause: NodeJS.ErrnoException): BerthError {
  if (cause.code === 'ECONNREFUSED') {
    return new BerthError('UNAVAILABLE', `cannot reach the scheduler at ${address}: connection refused`, {
      context: { address },
      cause,
    });
  }
  const tlsFailure =
    cause.code === 'ECONNRESET' || cause.code === 'EPROTO' || (cause.code ?? '').startsWith('ERR_SSL_') || /SSL|TLS/.test(cause.message);
  if (tlsFailure) return notTls(address, cause);
  return new BerthError('UNAVAILABLE', `cannot reach the scheduler at ${address}: ${cause.message}`, {
    context: { address },
    cause,
  });
}

function notTls(address: string, cause: Error | undefined): BerthError {
  return new BerthError(
    'UNAVAILABLE',
    `the scheduler at ${address} does not speak TLS (the handshake failed${cause === undefined ? '' : `: ${cause.message}`})`,
    { context: { address }, ...(cause === undefined ? {} : { cause }) },
  );
}

/** host and port of `host:port` or `[v6]:port`; BerthError USAGE otherwise. */
function splitAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !(port > 0 && port < 65536)) {
    throw new BerthError('USAGE', `not a HOST:PORT address: ${JSON.stringify(address)}`, { context: { address } });
  }
  return { host, port };
}
