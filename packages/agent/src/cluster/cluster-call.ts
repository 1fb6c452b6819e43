/**
 * One unary call to the scheduler's Cluster service (Join or Renew) on a channel of its own,
 * closed afterwards, and the translation of what the scheduler answers into BerthErrors whose
 * messages say what happened and what to do.
 */
import { status as grpcStatus, type ChannelCredentials, type ChannelOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { isIP } from 'node:net';
import { BerthError, wire } from '@berth/api';
import { SCHEDULER_DNS_NAME } from '@berth/api/pki';

/** Starts the call on `client`; `done` must receive grpc-js's callback arguments. */
export type ClusterCall<T> = (
  client: wire.ClusterClient,
  deadline: Date,
  done: (error: ServiceError | null, response: T) => void,
) => ClientUnaryCall;

/**
 * Channel options for a TLS channel to the scheduler at `address` (host:port): an IP address
 * is replaced by the scheduler certificate's DNS name as the TLS server name, since SNI may not
 * carry an IP (Node warns, and will ignore it). The role check does not look at names either way.
 */
export function schedulerTlsChannelOptions(address: string): ChannelOptions {
  const host = address.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return isIP(host) === 0 ? {} : { 'grpc.ssl_target_name_override': SCHEDULER_DNS_NAME };
}

/** Runs `call` against `address` with `credentials` within `timeoutMs`; `signal` cancels it. */
export async function callCluster<T>(
  address: string,
  credentials: ChannelCredentials,
  channelOptions: ChannelOptions | undefined,
  timeoutMs: number,
  call: ClusterCall<T>,
  signal?: AbortSignal,
): Promise<T> {
  // A private subchannel pool: a pooled subchannel could still hold the previous credentials' TLS session.
  const client = new wire.ClusterClient(address, credentials, {
    ...schedulerTlsChannelOptions(address),
    ...channelOptions,
    'grpc.use_local_subchannel_pool': 1,
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      const running = call(client, new Date(Date.now() + timeoutMs), (error, response) => (error ? reject(error) : resolve(response)));
      if (signal?.aborted) running.cancel();
      signal?.addEventListener('abort', () => running.cancel(), { once: true });
    });
  } finally {
    client.close();
  }
}

/** What a Cluster call was for, to word its errors. */
export interface ClusterCallContext {
  address: string;
  nodeId: string;
  doing: 'join' | 'renew';
}

/** The BerthError for a failed Cluster call (a grpc-js ServiceError, or anything thrown). */
export function clusterCallError(error: unknown, { address, nodeId, doing }: ClusterCallContext): BerthError {
  const service = error as Partial<ServiceError>;
  const details = service.details || (error instanceof Error ? error.message : String(error));
  const context = { address, nodeId, grpcCode: service.code };
  const asked = doing === 'join' ? 'join' : "renew this node's certificate";
  switch (service.code) {
    case grpcStatus.UNAUTHENTICATED:
      return new BerthError(
        'UNAUTHENTICATED',
        doing === 'join'
          ? `the scheduler at ${address} refused the join token: ${details}`
          : `the scheduler at ${address} refused this node's certificate: ${details}`,
        { context, cause: error },
      );
    case grpcStatus.PERMISSION_DENIED:
      return new BerthError('PERMISSION_DENIED', `the scheduler at ${address} refuses node ${nodeId}: ${details}`, { context, cause: error });
    case grpcStatus.UNAVAILABLE:
    case grpcStatus.DEADLINE_EXCEEDED:
    case grpcStatus.CANCELLED:
      return new BerthError('UNAVAILABLE', `cannot reach the scheduler at ${address} to ${asked}: ${details}`, { context, cause: error });
    case grpcStatus.UNIMPLEMENTED:
      return new BerthError('UNAVAILABLE', `the server at ${address} does not offer Cluster.${doing === 'join' ? 'Join' : 'Renew'} (not a berth scheduler's agent port?)`, {
        context,
        cause: error,
      });
    default:
      return new BerthError('INTERNAL', `the scheduler at ${address} failed to ${asked}: ${details}`, { context, cause: error });
  }
}
