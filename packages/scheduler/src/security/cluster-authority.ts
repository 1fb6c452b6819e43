/**
 * The cluster's certificate authority, held by the scheduler: the CA that signs every node,
 * admin and scheduler certificate, the join token that lets a new node ask for one, and the
 * list of removed nodes that are refused from then on.
 *
 *   first start:  create CA (ECDSA P-256) + join secret ─▶ <dataDir>/pki/ (0700; keys 0600)
 *   later starts: load them; the scheduler's own certificate is issued afresh each start
 *   Join(token, CSR) ─▶ token checks ─▶ CA signs role 'node' (CN = the node id the agent chose)
 *   Renew(node, CSR) ─▶ not revoked ─▶ CA signs role 'node' for the same id
 *
 * Without a data dir everything lives in memory (tests, throwaway schedulers).
 *
 * The join token is `BERTH-1-<CA fingerprint>-<secret>`: the fingerprint lets an agent pin the
 * CA before trusting anything; the secret is what authorises a join. Neither the secret nor the
 * token ever goes into a log line or an error message.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import path from 'node:path';
import type { ServerCredentials } from '@grpc/grpc-js';
import { BerthError, isBerthError } from '@berth/api';
import {
  DEFAULT_CERT_VALIDITY_MS,
  certificateFingerprint,
  createClusterCa,
  formatJoinToken,
  newTokenSecret,
  parseJoinToken,
  readCertificate,
  secretsEqual,
  signCertificate,
  type CaMaterial,
  type CertificateRole,
} from '@berth/api/pki';
import {
  CA_CERT_FILE,
  CA_KEY_FILE,
  JOIN_SECRET_FILE,
  PKI_DIR,
  REVOKED_FILE,
  ensurePrivateDir,
  formatRevoked,
  parseRevoked,
  readOptionalFile,
  writeFileAtomicSync,
} from './pki-files.js';
import { SchedulerCertificate } from './scheduler-certificate.js';

/** A node id as agents make them: 16 lowercase hex characters. */
export const NODE_ID_PATTERN = /^[0-9a-f]{16}$/;
const SECRET_PATTERN = /^[0-9a-f]{32}$/;

/** How to open the authority. */
export interface ClusterAuthorityOptions {
  /** The scheduler's data dir; the authority keeps its files in `<dataDir>/pki/`. Without it, memory only. */
  dataDir?: string;
  /** Epoch ms, for certificate validity; default `Date.now`. */
  now?: () => number;
  /** One line per notable event (CA created or loaded, token rotated, node revoked); never a secret. */
  log?: (line: string) => void;
  /** Validity of node certificates and of the scheduler's own (ms); default 90 days. */
  certificateValidityMs?: number;
  /** Hosts the scheduler listens on, for its certificate's SANs (127.0.0.1 is always there). */
  serverHosts?: readonly string[];
  /** In [0, 1): where in [50%, 80%] of its life the scheduler's certificate is renewed; default `Math.random`. */
  random?: () => number;
  /**
   * Whether node `nodeId` is in the cluster and live (ready) now. A Join for such an id is
   * refused: the token admits new nodes, it must not let its holder take over a live node's
   * identity (its stream, its tasks). Default: no node is.
   */
  isNodeLive?: (nodeId: string) => boolean;
}

/** A certificate handed to a node or an admin, with the CA to trust from then on. */
export interface IssuedCertificate {
  certificatePem: string;
  caCertificatePem: string;
  notAfter: Date;
}

/** A node asking to join. */
export interface JoinRequest {
  /** The join token as the agent was given it. */
  token: string;
  /** PKCS#10 PEM; its common name is the node id the agent chose. */
  csrPem: string;
  /** The node's name and address as seen, for error context only. */
  name?: string;
  peer?: string;
}

/** The outcome of a successful join. */
export interface JoinResult {
  nodeId: string;
  certificate: IssuedCertificate;
}

/** The cluster's CA, join token and revocations; see the module comment. */
export class ClusterAuthority {
  /** The cluster CA certificate (PEM). */
  readonly caPem: string;
  /** sha256 of the CA certificate (DER), lowercase hex: the first half of the join token. */
  readonly caFingerprint: string;
  readonly #ca: CaMaterial;
  readonly #pkiDir: string | undefined;
  readonly #revoked: Set<string>;
  readonly #validityMs: number;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #server: SchedulerCertificate;
  readonly #isNodeLive: (nodeId: string) => boolean;
  #secret: string;

  private constructor(fields: {
    ca: CaMaterial;
    pkiDir: string | undefined;
    secret: string;
    revoked: Iterable<string>;
    validityMs: number;
    now: () => number;
    log: (line: string) => void;
    server: SchedulerCertificate;
    isNodeLive: (nodeId: string) => boolean;
  }) {
    this.#ca = fields.ca;
    this.caPem = fields.ca.certPem;
    this.caFingerprint = certificateFingerprint(fields.ca.certPem);
    this.#pkiDir = fields.pkiDir;
    this.#secret = fields.secret;
    this.#revoked = new Set(fields.revoked);
    this.#validityMs = fields.validityMs;
    this.#now = fields.now;
    this.#log = fields.log;
    this.#server = fields.server;
    this.#isNodeLive = fields.isNodeLive;
  }

  /**
   * Loads the authority from `<dataDir>/pki/`, creating the CA and join secret on first start,
   * and issues the scheduler's own certificate. BerthError FILE_UNREADABLE when the files are
   * there but unusable (a key without its certificate, a key that does not match it).
   */
  static async open(options: ClusterAuthorityOptions = {}): Promise<ClusterAuthority> {
    const now = options.now ?? Date.now;
    const log = options.log ?? (() => undefined);
    const validityMs = options.certificateValidityMs ?? DEFAULT_CERT_VALIDITY_MS;
    if (!Number.isSafeInteger(validityMs) || validityMs < 1_000) {
      throw new BerthError('USAGE', `certificate validity must be at least 1000 ms (got ${validityMs})`, { context: { validityMs } });
    }
    const pkiDir = options.dataDir === undefined ? undefined : path.join(options.dataDir, PKI_DIR);
    const stored = pkiDir === undefined ? undefined : loadStored(pkiDir);
    let ca = stored?.ca;
    if (ca === undefined) {
      ca = await createClusterCa({ now: new Date(now()) });
      if (pkiDir !== undefined) {
        // The key first: a certificate on disk means the pair is complete (see loadStored).
        writeFileAtomicSync(path.join(pkiDir, CA_KEY_FILE), ca.keyPem, 0o600);
        writeFileAtomicSync(path.join(pkiDir, CA_CERT_FILE), ca.certPem, 0o644);
      }
      log(`created the cluster CA (fingerprint ${certificateFingerprint(ca.certPem)})${pkiDir !== undefined ? ` in ${pkiDir}` : ' in memory'}`);
    } else {
      log(`loaded the cluster CA (fingerprint ${certificateFingerprint(ca.certPem)}) from ${pkiDir}`);
    }
    let secret = stored?.secret;
    if (secret === undefined) {
      secret = newTokenSecret();
      if (pkiDir !== undefined) writeFileAtomicSync(path.join(pkiDir, JOIN_SECRET_FILE), `${secret}\n`, 0o600);
    }
    const server = await SchedulerCertificate.issue({
      ca,
      hosts: options.serverHosts ?? [],
      validityMs,
      now,
      log,
      ...(options.random !== undefined ? { random: options.random } : {}),
    });
    const isNodeLive = options.isNodeLive ?? (() => false);
    return new ClusterAuthority({ ca, pkiDir, secret, revoked: stored?.revoked ?? [], validityMs, now, log, server, isNodeLive });
  }

  /** The worker join token: `BERTH-1-<CA fingerprint>-<secret>`. A secret: do not log it. */
  joinToken(): string {
    return formatJoinToken({ caFingerprint: this.caFingerprint, secret: this.#secret });
  }

  /** Replaces the join secret (persisted first); the old token stops working at once. Returns the new token. */
  rotateJoinToken(): string {
    const secret = newTokenSecret();
    if (this.#pkiDir !== undefined) writeFileAtomicSync(path.join(this.#pkiDir, JOIN_SECRET_FILE), `${secret}\n`, 0o600);
    this.#secret = secret;
    this.#log('rotated the join token; the old one no longer works (joined nodes are unaffected)');
    return this.joinToken();
  }

  /**
   * Signs a node certificate for a node presenting the join token. BerthError UNAUTHENTICATED
   * (malformed token, another cluster's CA, wrong secret), PERMISSION_DENIED (the node id was
   * removed, or is a live node's: see `isNodeLive`), USAGE (an unreadable CSR, or a common name
   * that is not a node id). A down node's id may join again (its agent re-joining with an
   * expired certificate).
   */
  async join(request: JoinRequest): Promise<JoinResult> {
    const context = { ...(request.peer !== undefined ? { peer: request.peer } : {}), ...(request.name !== undefined ? { name: request.name } : {}) };
    let token;
    try {
      token = parseJoinToken(request.token);
    } catch {
      // Our own words: the parser's message could quote what it was given, the secret included.
      throw new BerthError('UNAUTHENTICATED', 'not a berth join token (expected BERTH-1-<64 hex>-<32 hex>; see `berth token`)', { context });
    }
    if (token.caFingerprint.toLowerCase() !== this.caFingerprint) {
      throw new BerthError('UNAUTHENTICATED', 'the join token is for another cluster (its CA fingerprint does not match this scheduler\'s CA)', { context });
    }
    if (!secretsEqual(token.secret, this.#secret)) {
      throw new BerthError('UNAUTHENTICATED', 'wrong join token (rotated, or from another scheduler?)', { context });
    }
    // The CSR's name is only readable once signed: the certificate is discarded unless it passes.
    const issued = await this.#sign(request.csrPem, 'node', this.#validityMs);
    const nodeId = readCertificate(issued.certificatePem).commonName;
    if (!NODE_ID_PATTERN.test(nodeId)) {
      throw new BerthError('USAGE', `the CSR's common name must be a node id (16 lowercase hex characters), not ${JSON.stringify(nodeId.slice(0, 64))}`, { context });
    }
    if (this.#revoked.has(nodeId)) throw revokedError(nodeId);
    if (this.#isNodeLive(nodeId)) {
      throw new BerthError(
        'PERMISSION_DENIED',
        `node ${nodeId} is in the cluster and ready: a join token does not admit a second holder of a live node's id ` +
          '(a new host joins with its own data dir; a node re-joining after its certificate expired can once it is down)',
        { context: { ...context, nodeId } },
      );
    }
    return { nodeId, certificate: issued };
  }

  /** A fresh certificate for node `nodeId` (the CSR's common name must be it). PERMISSION_DENIED when revoked; USAGE on a bad CSR. */
  async renew(nodeId: string, csrPem: string): Promise<IssuedCertificate> {
    if (this.#revoked.has(nodeId)) throw revokedError(nodeId);
    return this.#sign(csrPem, 'node', this.#validityMs, nodeId);
  }

  /** An admin certificate (Control API over TCP) for `csrPem`; its common name is the CSR's. */
  async issueAdmin(csrPem: string, validityMs?: number): Promise<IssuedCertificate> {
    return this.#sign(csrPem, 'admin', validityMs ?? this.#validityMs);
  }

  /** Refuses node `nodeId` from now on (persisted before it takes effect). Idempotent. */
  revoke(nodeId: string): void {
    if (this.#revoked.has(nodeId)) return;
    const next = new Set(this.#revoked).add(nodeId);
    if (this.#pkiDir !== undefined) writeFileAtomicSync(path.join(this.#pkiDir, REVOKED_FILE), formatRevoked(next), 0o600);
    this.#revoked.add(nodeId);
    this.#log(`revoked node ${nodeId}: its certificate is refused from now on`);
  }

  /** Whether node `nodeId` was removed (and is refused). */
  isRevoked(nodeId: string): boolean {
    return this.#revoked.has(nodeId);
  }

  /** TLS for the agent port (Agent, Cluster): a client certificate is asked for, not required. The same object for every call. */
  agentServerCredentials(): ServerCredentials {
    return this.#server.agentCredentials();
  }

  /** TLS for the Control TCP port: a client certificate from the cluster CA is required. The same object for every call. */
  controlServerCredentials(): ServerCredentials {
    return this.#server.controlCredentials();
  }

  /** The scheduler's own certificate, renewed in place before it expires. */
  get schedulerCertificate(): SchedulerCertificate {
    return this.#server;
  }

  /** Stops renewing the scheduler's certificate. */
  close(): void {
    this.#server.close();
  }

  async #sign(csrPem: string, role: CertificateRole, validityMs: number, commonName?: string): Promise<IssuedCertificate> {
    try {
      const signed = await signCertificate({
        ca: this.#ca,
        csrPem,
        role,
        validityMs,
        now: new Date(this.#now()),
        ...(commonName !== undefined ? { commonName } : {}),
      });
      return { certificatePem: signed.certPem, caCertificatePem: this.caPem, notAfter: signed.notAfter };
    } catch (error) {
      if (isBerthError(error)) throw error;
      throw new BerthError('USAGE', `not a usable certificate signing request: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
}

function revokedError(nodeId: string): BerthError {
  return new BerthError('PERMISSION_DENIED', `node ${nodeId} was removed from the cluster; join again with a new node id (a fresh --data-dir)`, {
    context: { nodeId },
  });
}

/** What `<pki>/` holds; undefined parts are created by the caller. Makes the dir 0700. */
function loadStored(pkiDir: string): { ca?: CaMaterial; secret?: string; revoked: string[] } {
  ensurePrivateDir(pkiDir);
  const certFile = path.join(pkiDir, CA_CERT_FILE);
  const keyFile = path.join(pkiDir, CA_KEY_FILE);
  const certPem = readOptionalFile(certFile);
  const keyPem = readOptionalFile(keyFile);
  let ca: CaMaterial | undefined;
  if (certPem !== undefined) {
    if (keyPem === undefined) {
      throw new BerthError('FILE_UNREADABLE', `${certFile} is there but its key ${keyFile} is missing: restore it, or remove ${pkiDir} to start a new cluster`, {
        context: { file: keyFile },
      });
    }
    checkPair(certPem, keyPem, certFile);
    ca = { certPem, keyPem };
  }
  // A key without a certificate is a first start cut short: the CA is created again.
  const secretFile = path.join(pkiDir, JOIN_SECRET_FILE);
  const secretText = readOptionalFile(secretFile)?.trim();
  if (secretText !== undefined && !SECRET_PATTERN.test(secretText)) {
    throw new BerthError('FILE_UNREADABLE', `${secretFile} does not hold a join secret (32 hex characters); remove it to make a new token`, {
      context: { file: secretFile },
    });
  }
  const revokedFile = path.join(pkiDir, REVOKED_FILE);
  const revokedText = readOptionalFile(revokedFile);
  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(secretText !== undefined ? { secret: secretText } : {}),
    revoked: revokedText === undefined ? [] : parseRevoked(revokedText, revokedFile),
  };
}

function checkPair(certPem: string, keyPem: string, certFile: string): void {
  let matches: boolean;
  try {
    matches = new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch (error) {
    throw new BerthError('FILE_UNREADABLE', `cannot read the cluster CA in ${path.dirname(certFile)}: ${(error as Error).message}`, {
      context: { file: certFile },
      cause: error,
    });
  }
  if (!matches) {
    throw new BerthError('FILE_UNREADABLE', `the cluster CA key in ${path.dirname(certFile)} does not match its certificate`, { context: { file: certFile } });
  }
}
