/**
 * Task descriptors for Docker driver tests. Everything they make the engine create (containers,
 * the stack network, named volumes) carries `io.berth.test=<runId>`, so a run cleans up only
 * its own objects, by label.
 */
import { defaultServiceSpec, type NetworkSpec, type ServiceSpec, type VolumeSpec } from '@berth/api';
import type { TaskDescriptor } from '@berth/agent';
import { TEST_LABEL } from '../support/docker.js';
import { TEST_IMAGE } from '../support/images.js';

/** Builds tasks of one test stack: a stack name and node id unique to the run. */
export class TestStack {
  readonly name: string;
  readonly nodeId: string;
  private counter = 0;

  /** `runId` makes names unique; `suffix` separates stacks of one run. */
  constructor(
    readonly runId: string,
    suffix = 's',
  ) {
    this.name = `bt${runId.replace(/[^a-z0-9]/g, '')}${suffix}`;
    this.nodeId = `node-${runId}-${suffix}`;
  }

  /** The test label, for filters and for labels of hand-made objects. */
  get label(): Record<string, string> {
    return { [TEST_LABEL]: this.runId };
  }

  /** A labelled top-level network named as the loader names it. */
  network(key: string): NetworkSpec {
    return {
      name: `${this.name}_${key}`,
      driver: 'bridge',
      external: false,
      internal: false,
      attachable: false,
      enableIpv6: false,
      driverOpts: {},
      labels: { ...this.label },
    };
  }

  /** A labelled top-level volume named as the loader names it. */
  volume(key: string): VolumeSpec {
    return { name: `${this.name}_${key}`, driver: 'local', external: false, driverOpts: {}, labels: { ...this.label } };
  }

  /** A task of `service` running the test image, on the stack's `default` network. */
  task(service: string, spec: Partial<ServiceSpec> = {}, extra: Partial<TaskDescriptor> = {}): TaskDescriptor {
    this.counter += 1;
    const taskId = `${service}-${this.counter}-${this.runId}`;
    return {
      ref: { taskId, stack: this.name, service, slot: 1, nodeId: this.nodeId },
      spec: serviceSpec(service, { ...spec, labels: { ...spec.labels, ...this.label } }),
      projectDir: '/tmp',
      nodeAddress: '127.0.0.1',
      networks: { default: this.network('default') },
      volumes: {},
      ...extra,
    };
  }
}

function serviceSpec(name: string, overrides: Partial<ServiceSpec>): ServiceSpec {
  const base = defaultServiceSpec(name);
  return {
    ...base,
    image: TEST_IMAGE,
    // Tests never pull: a missing image must fail, not reach for a registry.
    pullPolicy: 'never',
    networks: { default: { aliases: [] } },
    stopGracePeriodMs: 1_000,
    berth: { ...base.berth, keepRunningWhenDisconnected: true },
    ...overrides,
  };
}
