/**
 * Lazy loading of @peculiar/x509, the one dependency that can write X.509 (Node's crypto only
 * reads it). Loading it costs ~110 ms and several MiB, so only the functions that create keys,
 * CSRs and certificates call this; reading certificates uses node:crypto.
 */
import { webcrypto } from 'node:crypto';

/** The @peculiar/x509 module. */
export type X509 = typeof import('@peculiar/x509');

/** ECDSA with SHA-256: the signature of every key, CSR and certificate berth makes. */
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** The key type of every key berth makes: ECDSA on P-256. */
export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

let loading: Promise<X509> | undefined;

/** @peculiar/x509, loaded once, with reflect-metadata before it and Node's WebCrypto as its provider. */
export function loadX509(): Promise<X509> {
  loading ??= (async () => {
    // x509's dependency injection reads decorator metadata, which needs the polyfill first.
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto);
    return x509;
  })();
  return loading;
}
