/**
 * Keeping the node certificate fresh. At a random point between 50% and 80% of the current
 * certificate's life (renewalDelayMs) the agent makes a new key, sends its CSR to Cluster.Renew
 * over mTLS with the current certificate, stores the answer as one unit and hands the new
 * material to whoever dials next (the link picks it up on its next reconnect; the stream that
 * is up stays up, TLS checks validity only at the handshake).
 *
 *   start ─▶ timer(renewalDelayMs) ─▶ new key + CSR ─▶ Renew (mTLS, current cert) ─▶ save ─▶ onRenewed ─▶ timer …
 *                                         │ failure
 *                                         └─▶ log (a warning once < 10% of the life is left) ─▶ retry with backoff
 *
 * The random point spreads the renewals of nodes that joined together. Timers are capped at
 * MAX_TIMER_MS and re-armed, because Node fires a longer timeout at once.
 */
import { Metadata, type ChannelOptions } from '@grpc/grpc-js';
import { wire } from '@berth/api';
import { createKeyAndCsr, readCertificate, renewalDelayMs, schedulerChannelCredentials } from '@berth/api/pki';
import { reconnectDelayMs, type ReconnectBackoff } from '../link/reconnect-delay.js';
import { systemClock, type Clock, type TimerHandle } from '../task/clock.js';
import { callCluster, clusterCallError } from './cluster-call.js';
import { checkIssued } from './issued-certificate.js';
import { saveNodeCredentials, type NodeCredentials } from './node-credentials.js';

/** Settings of a {@link CertificateRenewal}. */
export interface CertificateRenewalOptions {
  /** `host:port` of the scheduler's agent port. */
  address: string;
  /** Where the renewed credentials are saved (`<dataDir>/tls`). */
  dataDir: string;
  /** The node's current material; its certificate's common name is the node id. */
  credentials: NodeCredentials;
  /** Called with the new material once it is saved. */
  onRenewed?: (credentials: NodeCredentials) => void;
  log?: (line: string) => void;
  /** Injected so tests drive time exactly; default the system clock. */
  clock?: Clock;
  /** [0, 1): picks the renewal point and the retry jitter; default Math.random. */
  random?: () => number;
  /** Retry curve after a failed renewal; default 1 s doubling to 5 min. */
  retryBackoff?: ReconnectBackoff;
  /** Deadline of one Renew call; default 10 s. */
  timeoutMs?: number;
  channelOptions?: ChannelOptions;
}

/** Retries start at about a second and settle at one try every few minutes. */
export const DEFAULT_RENEWAL_RETRY_BACKOFF: Readonly<ReconnectBackoff> = Object.freeze({ initialMs: 1_000, maxMs: 5 * 60_000 });

/** The longest single timer armed (Node's limit is 2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The shortest wait after a successful renewal: a scheduler issuing certificates shorter than
 * its clock-skew backdating (their 50% point already past) must not be hammered in a loop.
 */
export const MIN_RENEWAL_INTERVAL_MS = 1_000;

/** Below this fraction of its life left, a certificate that is not renewed yet is warned about. */
export const LOW_LIFE_FRACTION = 0.1;

/**
 * The warning to log when less than {@link LOW_LIFE_FRACTION} of `cert`'s life is left at
 * `now` (epoch ms), or undefined while more is left. Pure.
 */
export function certificateLifeWarning(cert: { notBefore: Date; notAfter: Date }, now: number): string | undefined {
  const life = cert.notAfter.getTime() - cert.notBefore.getTime();
  const left = cert.notAfter.getTime() - now;
  if (left >= life * LOW_LIFE_FRACTION) return undefined;
  if (left <= 0) {
    return (
      `the node certificate expired at ${cert.notAfter.toISOString()}; the scheduler refuses this node until it has a new one: ` +
      'restart the agent with --token to join again'
    );
  }
  return `the node certificate expires at ${cert.notAfter.toISOString()} (in ${formatDuration(left)}) and is not renewed yet`;
}

/** Renews the node certificate on a timer; see the module comment. */
export class CertificateRenewal {
  readonly #options: CertificateRenewalOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #log: (line: string) => void;
  #credentials: NodeCredentials;
  #timer: TimerHandle | undefined;
  #dueAt: number | undefined;
  #failures = 0;
  #stopped = false;
  #inFlight: Promise<void> | undefined;
  readonly #abort = new AbortController();

  /** A renewal that does nothing until {@link start}. */
  constructor(options: CertificateRenewalOptions) {
    this.#options = options;
    this.#credentials = options.credentials;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#log = options.log ?? (() => undefined);
  }

  /** The material in use: the latest renewed, or the one started with. */
  get credentials(): NodeCredentials {
    return this.#credentials;
  }

  /** When (epoch ms, on the injected clock) the next attempt is due; undefined while one runs or after stop. */
  get nextAttemptAt(): number | undefined {
    return this.#dueAt;
  }

  /** Arms the timer for the current certificate. */
  start(): void {
    if (this.#stopped || this.#dueAt !== undefined || this.#inFlight !== undefined) return;
    const now = this.#clock.now();
    const cert = readCertificate(this.#credentials.certPem);
    const warning = certificateLifeWarning(cert, now);
    if (warning !== undefined) this.#log(`warning: ${warning}`);
    this.#armAt(now + renewalDelayMs(cert, now, this.#random));
  }

  /** Disarms the timer and cancels a Renew under way; resolves once nothing runs. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#disarm();
    this.#abort.abort();
    await this.#inFlight;
  }

  #armAt(dueAt: number): void {
    this.#disarm();
    this.#dueAt = dueAt;
    const wait = Math.min(Math.max(0, dueAt - this.#clock.now()), MAX_TIMER_MS);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      // A capped timer woke early: wait the rest.
      if (this.#clock.now() < dueAt) this.#armAt(dueAt);
      else this.#attempt();
    }, wait);
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = undefined;
  }

  #attempt(): void {
    if (this.#stopped) return;
    this.#dueAt = undefined;
    this.#inFlight = this.#renew()
      .then(
        (renewed) => this.#succeeded(renewed),
        (error: unknown) => this.#failed(error),
      )
      // A throwing onRenewed or log must not become an unhandled rejection that ends the agent.
      .catch((error: unknown) => this.#log(`certificate renewal: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.#inFlight = undefined;
      });
  }

  /** One Renew: new key and CSR, the call over mTLS, the checks, the save. */
  async #renew(): Promise<NodeCredentials> {
    const current = this.#credentials;
    const { address } = this.#options;
    const nodeId = readCertificate(current.certPem).commonName;
    const { keyPem, csrPem } = await createKeyAndCsr(nodeId, 'node');
    let response: wire.RenewResponse;
    try {
      response = await callCluster<wire.RenewResponse>(
        address,
        schedulerChannelCredentials(current),
        this.#options.channelOptions,
        this.#options.timeoutMs ?? 10_000,
        (client, deadline, done) => client.renew({ csrPem }, new Metadata(), { deadline }, done),
        this.#abort.signal,
      );
    } catch (error) {
      throw clusterCallError(error, { address, nodeId, doing: 'renew' });
    }
    const issued = checkIssued(response.certificate, { address, nodeId, caPem: current.caPem });
    const renewed: NodeCredentials = { caPem: current.caPem, certPem: issued.certificatePem, keyPem };
    // Stopped while the call ran: the agent is closing; keep the files as they are.
    if (this.#stopped) return current;
    await saveNodeCredentials(this.#options.dataDir, renewed);
    return renewed;
  }

  #succeeded(renewed: NodeCredentials): void {
    if (this.#stopped) return;
    this.#failures = 0;
    this.#credentials = renewed;
    const cert = readCertificate(renewed.certPem);
    const now = this.#clock.now();
    this.#armAt(now + Math.max(MIN_RENEWAL_INTERVAL_MS, renewalDelayMs(cert, now, this.#random)));
    this.#log(
      `node certificate renewed: valid until ${cert.notAfter.toISOString()}; next renewal at ${new Date(this.#dueAt ?? now).toISOString()}`,
    );
    this.#options.onRenewed?.(renewed);
  }

  #failed(error: unknown): void {
    if (this.#stopped) return;
    const delayMs = reconnectDelayMs(this.#failures, this.#random, this.#options.retryBackoff ?? DEFAULT_RENEWAL_RETRY_BACKOFF);
    this.#failures += 1;
    const now = this.#clock.now();
    this.#log(`certificate renewal failed: ${error instanceof Error ? error.message : String(error)}; retrying in ${formatDuration(delayMs)}`);
    const warning = certificateLifeWarning(readCertificate(this.#credentials.certPem), now);
    if (warning !== undefined) this.#log(`warning: ${warning}`);
    this.#armAt(now + delayMs);
  }
}

/** `1h 5m`, `42s`, `350ms`: short enough for a log line. */
function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
