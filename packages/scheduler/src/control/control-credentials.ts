/**
 * How the CLI authenticates to a remote Control API: over TCP always mutual TLS, trusting only
 * the cluster CA, accepting only a scheduler's certificate, and presenting an admin certificate
 * the CA signed (`berth cert create --admin`). The unix socket stays plain: its file mode (0600)
 * is the access control there.
 */
import { credentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { BerthError, isBerthError } from '@berth/api';
import { explainTlsFailure, schedulerChannelCredentials, SCHEDULER_CHANNEL_OPTIONS, type TlsMaterial } from '@berth/api/pki';
import type { ControlAddress } from './control-address.js';

/** PEM material for a TCP connection: the cluster CA, and the admin certificate and its key. */
export type ControlTlsMaterial = TlsMaterial;

/** How to dial `address`: credentials and extra channel options. */
export interface ControlChannel {
  credentials: ChannelCredentials;
  options: ChannelOptions;
}

/** Insecure for a unix socket, mutual TLS for TCP; BerthError USAGE for a TCP address without `tls`. */
export function controlChannel(address: ControlAddress, tls: ControlTlsMaterial | undefined): ControlChannel {
  if (address.kind === 'unix') return { credentials: credentials.createInsecure(), options: {} };
  if (tls === undefined) {
    throw new BerthError('USAGE', `${address.display} needs a client certificate: --cert-dir or BERTH_CERT_DIR (berth cert create --admin)`, {
      context: { host: address.display },
    });
  }
  return { credentials: schedulerChannelCredentials(tls), options: { ...SCHEDULER_CHANNEL_OPTIONS } };
}

/**
 * A failed call's error in berth's words when the TLS handshake was the cause (OpenSSL's text
 * does not say "another cluster"): UNAUTHENTICATED naming the address. Other errors as they are.
 */
export function explainHandshakeError(error: BerthError, address: ControlAddress): BerthError {
  if (address.kind !== 'tcp' || !isBerthError(error, 'UNAVAILABLE')) return error;
  const why = explainTlsFailure(error.message);
  if (why === undefined) return error;
  return new BerthError('UNAUTHENTICATED', `cannot talk to the berth scheduler at ${address.display}: ${why}`, {
    context: { ...error.context, host: address.display },
    cause: error,
  });
}
