/**
 * Joining a cluster: trading the join token and a CSR for a node certificate, trusting nothing
 * the network says until the token vouches for it.
 *
 *   fetchCaCertificate(address) ─▶ sha256 == token's pin? ─no─▶ UNAUTHENTICATED (nothing written)
 *        │ yes
 *   createKeyAndCsr(nodeId) ─▶ Cluster.Join over TLS pinned to that CA ─refused─▶ BerthError (nothing written)
 *        │ certificate
 *   check it (our node id, role node, same CA) ─▶ saveNodeCredentials
 *
 * The token's secret only ever travels over TLS to a server whose CA matches the pin, so a
 * man in the middle learns nothing usable.
 */
import { Metadata, type ChannelOptions } from '@grpc/grpc-js';
import { BerthError, wire } from '@berth/api';
import {
  certificateFingerprint,
  createKeyAndCsr,
  fetchCaCertificate,
  formatJoinToken,
  parseJoinToken,
  readCertificate,
  schedulerChannelCredentials,
} from '@berth/api/pki';
import { callCluster, clusterCallError } from './cluster-call.js';
import { checkIssued } from './issued-certificate.js';
import { saveNodeCredentials, type NodeCredentials } from './node-credentials.js';

/** What joining needs. */
export interface JoinOptions {
  /** `host:port` of the scheduler's agent port. */
  address: string;
  /** The join token (`berth token`). */
  token: string;
  /** The id this node asks for (the CSR's common name). */
  nodeId: string;
  /** The node's name, for the scheduler's log. */
  name: string;
  /** Where the credentials are saved (`<dataDir>/tls`). */
  dataDir: string;
  /** Deadline of each network step; default 10 s. */
  timeoutMs?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: ChannelOptions;
}

/** A completed join. */
export interface JoinResult {
  credentials: NodeCredentials;
  notAfter: Date;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Joins the cluster at `address` (see the module comment); the credentials are saved before it resolves. */
export async function joinCluster(options: JoinOptions): Promise<JoinResult> {
  const { address, nodeId } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const token = parseJoinToken(options.token);
  // Its own errors (UNAVAILABLE: refused, no TLS, no CA in the chain) already name the address.
  const caPem = await fetchCaCertificate(address, { timeoutMs });
  const presented = certificateFingerprint(caPem);
  if (presented !== token.caFingerprint) {
    throw new BerthError(
      'UNAUTHENTICATED',
      `the scheduler at ${address} presents CA sha256:${presented} but the join token pins sha256:${token.caFingerprint}; wrong token or wrong scheduler`,
      { context: { address, presented, pinned: token.caFingerprint } },
    );
  }
  const { keyPem, csrPem } = await createKeyAndCsr(nodeId, 'node');
  let response: wire.JoinResponse;
  try {
    response = await callCluster(
      address,
      schedulerChannelCredentials({ caPem }),
      options.channelOptions,
      timeoutMs,
      (client, deadline, done) => client.join({ token: formatJoinToken(token), csrPem, name: options.name }, new Metadata(), { deadline }, done),
    );
  } catch (error) {
    throw clusterCallError(error, { address, nodeId, doing: 'join' });
  }
  const issued = checkIssued(response.certificate, { address, nodeId, caPem });
  const credentials: NodeCredentials = { caPem, certPem: issued.certificatePem, keyPem };
  await saveNodeCredentials(options.dataDir, credentials);
  return { credentials, notAfter: readCertificate(issued.certificatePem).notAfter };
}
