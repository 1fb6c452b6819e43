/**
 * What an agent needs before it may dial the scheduler: its node identity and a node
 * certificate for it. A node that has both uses them; one without a certificate joins with
 * the token first, and only a successful join writes anything (a wrong token leaves a fresh
 * data dir empty, node.json included).
 *
 *   tls/ stored? ─yes─▶ for node.json's id? ─▶ expired? ─no─▶ use it
 *        │ no                                   │ yes, and a token ─▶ join again (same id)
 *        ▼                                      └ no token ─▶ UNAUTHENTICATED
 *   token? ─no─▶ USAGE ─yes─▶ join (id from node.json, or a fresh one) ─▶ save tls/ ─▶ write node.json
 */
import { BerthError } from '@berth/api';
import { readCertificate } from '@berth/api/pki';
import { loadOrCreateNodeIdentity, newNodeId, readNodeIdentity, type NodeIdentity } from '../identity/node-identity.js';
import { joinCluster, type JoinOptions, type JoinResult } from './join.js';
import { loadNodeCredentials, nodeCredentialPaths, type NodeCredentials } from './node-credentials.js';

/** Inputs of {@link enrolNode}. */
export interface EnrolOptions {
  dataDir: string;
  /** `host:port` of the scheduler's agent port. */
  scheduler: string;
  /** The join token; needed only while the node has no (valid) certificate. */
  token?: string;
  /** Used only when the identity is created. */
  name: string;
  /** Used only when the identity is created. */
  address: string;
  log?: (line: string) => void;
  /** Epoch ms, to tell an expired certificate; default Date.now. */
  now?: () => number;
  /** The join; injected by tests. */
  join?: (options: JoinOptions) => Promise<JoinResult>;
}

/** A node ready to dial: who it is and the TLS material that proves it. */
export interface Enrolment {
  identity: NodeIdentity;
  credentials: NodeCredentials;
  /** True when this start joined (or re-joined) the cluster. */
  joined: boolean;
}

/** The message for an agent that has neither a certificate nor a token. */
export const NOT_JOINED_MESSAGE = 'this node has not joined a cluster yet: pass --token (berth token on the scheduler prints one)';

/** Loads the node's identity and certificate, joining first when there is no usable certificate. */
export async function enrolNode(options: EnrolOptions): Promise<Enrolment> {
  const { dataDir } = options;
  const now = options.now ?? Date.now;
  const stored = await loadNodeCredentials(dataDir);
  if (stored !== undefined) {
    const cert = readCertificate(stored.certPem);
    // node.json lost after the certificate was saved (a crash, a person): the certificate knows the id.
    const identity = await loadOrCreateNodeIdentity({ dataDir, name: options.name, address: options.address, newId: () => cert.commonName });
    if (cert.commonName !== identity.id) {
      throw new BerthError(
        'FILE_UNREADABLE',
        `the node certificate in ${nodeCredentialPaths(dataDir).dir} is for node ${cert.commonName}, but ${dataDir}/node.json says ${identity.id}; ` +
          `restore the matching file, or delete ${nodeCredentialPaths(dataDir).dir} and join again with --token`,
        { context: { dataDir } },
      );
    }
    if (cert.notAfter.getTime() > now()) return { identity, credentials: stored, joined: false };
    if (options.token === undefined) {
      throw new BerthError(
        'UNAUTHENTICATED',
        `the node certificate in ${nodeCredentialPaths(dataDir).dir} expired at ${cert.notAfter.toISOString()}: pass --token to join again as the same node`,
        { context: { dataDir, notAfter: cert.notAfter.toISOString() } },
      );
    }
    options.log?.(`the node certificate expired at ${cert.notAfter.toISOString()}; joining again as node ${identity.id}`);
    return { identity, credentials: await join(options, identity), joined: true };
  }
  if (options.token === undefined || options.token === '') throw new BerthError('USAGE', NOT_JOINED_MESSAGE);
  // Not written yet: a refused join must leave no trace.
  const identity = (await readNodeIdentity(dataDir)) ?? { id: newNodeId(), name: options.name, address: options.address };
  const credentials = await join(options, identity);
  const persisted = await loadOrCreateNodeIdentity({ dataDir, name: identity.name, address: identity.address, newId: () => identity.id });
  return { identity: persisted, credentials, joined: true };
}

async function join(options: EnrolOptions, identity: NodeIdentity): Promise<NodeCredentials> {
  const result = await (options.join ?? joinCluster)({
    address: options.scheduler,
    token: options.token ?? '',
    nodeId: identity.id,
    name: identity.name,
    dataDir: options.dataDir,
  });
  options.log?.(`joined the cluster at ${options.scheduler} as node ${identity.id}; certificate valid until ${result.notAfter.toISOString()}`);
  return result.credentials;
}
