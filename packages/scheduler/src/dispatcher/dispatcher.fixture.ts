/**
 * Test data and harness for the dispatcher's tests (no test framework imports): a stack whose
 * services use stack-level resources, a dispatcher hosted on a real grpc-js server on
 * loopback, and a raw agent stream that speaks the wire protocol message by message.
 */
import { credentials, Server, ServerCredentials, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import {
  fromProtoSchedulerMessage,
  toProtoAgentMessage,
  wire,
  type AgentMessage,
  type AgentRegistration,
  type NetworkSpec,
  type SchedulerMessage,
  type VolumeSpec,
} from '@berth/api';
import type { DesiredStack } from '../reconcile/model.js';
import { sampleStack } from '../store/store.fixture.js';
import type { Dispatcher } from './dispatcher.js';

/**
 * `sampleStack` plus stack-level resources: every service joins network `front` (and
 * `default`), mounts volume `data`, and uses secret `token` and config `site`; the stack also
 * declares `back`, `logs`, `other-secret` and `other-config`, which no service uses.
 */
export function stackWithResources(name: string, services: readonly string[]): DesiredStack {
  const stack = sampleStack(name, services);
  const network = (n: string): NetworkSpec => ({
    name: `${name}_${n}`, driver: 'bridge', external: false, internal: false, attachable: false,
    enableIpv6: false, driverOpts: {}, labels: {},
  });
  const volume = (v: string): VolumeSpec => ({ name: `${name}_${v}`, driver: 'local', external: false, driverOpts: {}, labels: {} });
  stack.spec.networks = { default: network('default'), front: network('front'), back: network('back') };
  stack.spec.volumes = { data: volume('data'), logs: volume('logs') };
  stack.spec.secrets = { token: { name: `${name}_token`, file: '/run/token', external: false }, 'other-secret': { name: 'o', external: true } };
  stack.spec.configs = { site: { name: `${name}_site`, content: 'x=1', external: false }, 'other-config': { name: 'c', external: true } };
  for (const service of Object.values(stack.spec.services)) {
    service.networks = { default: { aliases: [] }, front: { aliases: [service.name] } };
    service.secrets = [{ source: 'token', target: '/run/secrets/token' }];
    service.configs = [{ source: 'site', target: '/etc/site.conf' }];
  }
  return stack;
}

/** A registration as an agent would send it. */
export function sampleRegistration(nodeId: string, overrides: Partial<AgentRegistration> = {}): AgentRegistration {
  return {
    nodeId,
    name: `host-${nodeId || 'new'}`,
    address: '127.0.0.1',
    labels: { zone: 'a' },
    cpus: 2,
    memoryBytes: 4 * 2 ** 30,
    drivers: [{ name: 'docker', available: true, message: '27.1' }],
    agentVersion: 'test',
    tasks: [],
    appliedRevision: 0,
    ...overrides,
  };
}

/** A dispatcher served on 127.0.0.1 (a free port). */
export interface HostedDispatcher {
  address: string;
  /** Closes the dispatcher, then the server. */
  close(): Promise<void>;
}

/** Hosts `dispatcher` on a new grpc-js server on 127.0.0.1:0. */
export async function hostDispatcher(dispatcher: Dispatcher): Promise<HostedDispatcher> {
  const server = new Server();
  server.addService(wire.AgentService, dispatcher.service);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    address: `127.0.0.1:${port}`,
    async close() {
      dispatcher.close();
      server.forceShutdown();
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

/**
 * One Agent.Connect stream driven by hand: send domain messages, read what the scheduler sent
 * (decoded) and the call's final status.
 */
export class RawAgentStream {
  /** Every scheduler message received, in order. */
  readonly received: SchedulerMessage[] = [];
  /** The call's final status, once it ended. */
  final: StatusObject | undefined;
  readonly #client: wire.AgentClient;
  readonly #call: ClientDuplexStream<wire.AgentMessage, wire.SchedulerMessage>;

  /** Opens a stream to `address`; sends nothing yet. */
  constructor(address: string) {
    this.#client = new wire.AgentClient(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
    this.#call = this.#client.connect();
    this.#call.on('data', (raw: wire.SchedulerMessage) => {
      const message = fromProtoSchedulerMessage(raw);
      if (message !== undefined) this.received.push(message);
    });
    this.#call.on('status', (s: StatusObject) => {
      this.final = s;
    });
    this.#call.on('error', () => {}); // the status carries what the test looks at
  }

  /** Sends one message. */
  send(message: AgentMessage): void {
    this.#call.write(toProtoAgentMessage(message));
  }

  /** Sends Register. */
  register(registration: AgentRegistration): void {
    this.send({ kind: 'register', registration });
  }

  /** The received messages of one kind. */
  all<K extends SchedulerMessage['kind']>(kind: K): Extract<SchedulerMessage, { kind: K }>[] {
    return this.received.filter((m): m is Extract<SchedulerMessage, { kind: K }> => m.kind === kind);
  }

  /** Waits for the `index`-th (0-based) message of `kind`. */
  nth<K extends SchedulerMessage['kind']>(kind: K, index: number): Promise<Extract<SchedulerMessage, { kind: K }>> {
    return eventually(() => this.all(kind)[index], `${kind} #${index}`);
  }

  /** Waits for the call to end; returns its final status. */
  ended(): Promise<StatusObject> {
    return eventually(() => this.final, 'the end of the stream');
  }

  /** Cancels the call and closes the channel. */
  close(): void {
    this.#call.cancel();
    this.#client.close();
  }
}

/**
 * Resolves with `check()`'s first truthy result, polling every 5 ms; rejects after `timeoutMs`
 * naming `what`. For waiting on what a real socket delivers.
 */
export async function eventually<T>(check: () => T | undefined | null | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}
