/**
 * The scheduler's own TLS identity: a fresh key and a certificate of role 'scheduler' (CN
 * `berth-scheduler`) signed by the cluster CA at every start, served on the agent port and the
 * Control TCP port, and renewed in place at a random point between 50% and 80% of its life.
 *
 *   start ─▶ key + CSR ─▶ CA signs ─▶ credentials (agent port, control port)
 *              ▲                              │ timer: renewalDelayMs
 *              └──────── renew ◀──────────────┘  pushes the new cert into the same credentials
 *
 * The key never touches the disk: the CA is what agents pin, so a new key per start costs
 * nothing. Renewing in place matters for a scheduler that runs longer than the certificate
 * (90 days by default): the credentials objects given to grpc-js are kept and told about the
 * new certificate, so listening sockets need no restart and open connections are unaffected.
 */
import { isIP } from 'node:net';
import type { ServerCredentials } from '@grpc/grpc-js';
import {
  agentPortCredentials,
  controlPortCredentials,
  createKeyAndCsr,
  renewalDelayMs,
  signCertificate,
  type CaMaterial,
  type TlsMaterial,
} from '@berth/api/pki';
import { replaceServerIdentity } from './server-credentials-update.js';

/** The scheduler certificate's common name, and the DNS name it carries. */
export const SCHEDULER_COMMON_NAME = 'berth-scheduler';
// setTimeout fires at once for delays past 2^31 - 1 ms (~24.8 days); longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;
// After a failed renewal: try again soon, but not in a tight loop.
const RETRY_MS = 60_000;

/** How to issue the scheduler's certificate. */
export interface SchedulerCertificateOptions {
  ca: CaMaterial;
  /** Hosts the scheduler listens on: IPs become IP SANs; names and unspecified addresses add nothing. */
  hosts?: readonly string[];
  validityMs: number;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** In [0, 1), for the renewal point; default `Math.random`. */
  random?: () => number;
  log?: (line: string) => void;
}

/**
 * The SANs for a scheduler listening on `hosts`: DNS `berth-scheduler`, IP 127.0.0.1, and each
 * listen host that is a specific IP. Agents check the CA and the role, not the name (they dial
 * whatever address the operator gave), so the SANs serve other TLS clients and humans reading
 * the certificate.
 */
export function schedulerSubjectAltNames(hosts: readonly string[]): { ipAddresses: string[]; dnsNames: string[] } {
  const ipAddresses = new Set(['127.0.0.1']);
  for (const raw of hosts) {
    const host = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
    // 0.0.0.0 and :: mean "every interface", which names no host.
    if (isIP(host) !== 0 && host !== '0.0.0.0' && host !== '::') ipAddresses.add(host);
  }
  return { ipAddresses: [...ipAddresses], dnsNames: [SCHEDULER_COMMON_NAME] };
}

/** The scheduler's TLS identity; see the module comment. */
export class SchedulerCertificate {
  readonly #options: SchedulerCertificateOptions;
  readonly #now: () => number;
  #material: TlsMaterial;
  #notAfter: Date;
  #agent: ServerCredentials | undefined;
  #control: ServerCredentials | undefined;
  #timer: NodeJS.Timeout | undefined;
  #renewAt = 0;
  #closed = false;

  private constructor(options: SchedulerCertificateOptions, material: TlsMaterial, notAfter: Date) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#material = material;
    this.#notAfter = notAfter;
  }

  /** Issues the first certificate and schedules its renewal. Call close() to stop renewing. */
  static async issue(options: SchedulerCertificateOptions): Promise<SchedulerCertificate> {
    const { material, notAfter } = await issueMaterial(options, options.now ?? Date.now);
    const cert = new SchedulerCertificate(options, material, notAfter);
    cert.#schedule(renewalDelayMs({ notBefore: new Date(cert.#now()), notAfter }, cert.#now(), options.random));
    return cert;
  }

  /** When the current certificate expires. */
  get notAfter(): Date {
    return this.#notAfter;
  }

  /** The current certificate (PEM; served followed by the CA certificate). */
  get certificatePem(): string {
    return this.#material.certPem;
  }

  /** TLS for the agent port: a client certificate is asked for but not required (Join needs none). */
  agentCredentials(): ServerCredentials {
    return (this.#agent ??= agentPortCredentials(this.#material));
  }

  /** TLS for the Control TCP port: a client certificate from the cluster CA is required. */
  controlCredentials(): ServerCredentials {
    return (this.#control ??= controlPortCredentials(this.#material));
  }

  /** Issues a new certificate now and hands it to the credentials already given out. */
  async renew(): Promise<void> {
    const { material, notAfter } = await issueMaterial(this.#options, this.#now);
    if (this.#closed) return;
    this.#material = material;
    this.#notAfter = notAfter;
    for (const credentials of [this.#agent, this.#control]) {
      if (credentials !== undefined) replaceServerIdentity(credentials, material);
    }
  }

  /** Stops renewing. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#renewAt = this.#now() + delayMs;
    this.#arm();
  }

  #arm(): void {
    const wait = Math.max(0, Math.min(this.#renewAt - this.#now(), MAX_TIMER_MS));
    this.#timer = setTimeout(() => this.#due(), wait);
    // Renewal alone must not keep the process alive.
    this.#timer.unref();
  }

  #due(): void {
    if (this.#closed) return;
    if (this.#now() < this.#renewAt) {
      this.#arm();
      return;
    }
    this.renew().then(
      () => {
        this.#options.log?.(`renewed the scheduler's TLS certificate; valid until ${this.#notAfter.toISOString()}`);
        this.#schedule(renewalDelayMs({ notBefore: new Date(this.#now()), notAfter: this.#notAfter }, this.#now(), this.#options.random));
      },
      (error: unknown) => {
        const left = this.#notAfter.getTime() - this.#now();
        this.#options.log?.(
          `cannot renew the scheduler's TLS certificate (expires ${this.#notAfter.toISOString()}); retrying: ${String(error)}`,
        );
        this.#schedule(Math.max(0, Math.min(RETRY_MS, left / 2)));
      },
    );
  }
}

async function issueMaterial(options: SchedulerCertificateOptions, now: () => number): Promise<{ material: TlsMaterial; notAfter: Date }> {
  const { keyPem, csrPem } = await createKeyAndCsr(SCHEDULER_COMMON_NAME, 'scheduler');
  const signed = await signCertificate({
    ca: options.ca,
    csrPem,
    role: 'scheduler',
    commonName: SCHEDULER_COMMON_NAME,
    validityMs: options.validityMs,
    now: new Date(now()),
    ...schedulerSubjectAltNames(options.hosts ?? []),
  });
  // The credentials serve it followed by the CA certificate (see `serverContextOptions`).
  return { material: { caPem: options.ca.certPem, certPem: signed.certPem, keyPem }, notAfter: signed.notAfter };
}
