/**
 * Task descriptors for tests of the layers above the runtime seam (runner, supervisor): a full
 * ServiceSpec with neutral defaults, overridable field by field.
 */
import { defaultServiceSpec, type ServiceSpec } from '@berth/api';
import type { TaskDescriptor } from '../runtime.js';

/** A service spec named `name` with berth's defaults and the given overrides. */
export function fakeServiceSpec(overrides: Partial<ServiceSpec> = {}, name = 'app'): ServiceSpec {
  const base = defaultServiceSpec(name);
  return {
    ...base,
    image: 'example/app:1',
    restart: { condition: 'any', maxAttempts: 0, windowMs: 0 },
    berth: { ...base.berth, keepRunningWhenDisconnected: true },
    ...overrides,
  };
}

/** A descriptor of task `taskId` (slot 1 of stack `test`) running `spec` on node `nodeId`. */
export function fakeTaskDescriptor(
  taskId: string,
  spec: ServiceSpec = fakeServiceSpec(),
  nodeId = 'node-1',
): TaskDescriptor {
  return {
    ref: { taskId, stack: 'test', service: spec.name, slot: 1, nodeId },
    spec,
    projectDir: '/srv/test',
    nodeAddress: '127.0.0.1',
    networks: {},
    volumes: {},
  };
}
