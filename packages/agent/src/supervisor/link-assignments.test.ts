import { describe, expect, it } from 'vitest';
import type { AssignmentSet } from '@berth/api';
import { fakeServiceSpec } from '../runtime/fake/fake-task.js';
import { toTaskAssignmentSet } from './link-assignments.js';

describe('toTaskAssignmentSet', () => {
  it('builds each descriptor from the assignment and this node, keeping kind, revision and removals', () => {
    const spec = fakeServiceSpec({}, 'web');
    const network = { name: 'shop_front', driver: 'bridge', external: false, internal: false, attachable: false, enableIpv6: false, driverOpts: {}, labels: {} };
    const set: AssignmentSet = {
      kind: 'incremental',
      revision: 12,
      assignments: [
        { taskId: 't1', stack: 'shop', service: 'web', slot: 2, spec, desired: 'stop', networks: { front: network }, volumes: {}, secrets: {}, configs: {} },
      ],
      removedTaskIds: ['t0'],
    };
    const converted = toTaskAssignmentSet(set, { nodeId: 'n7', nodeAddress: '10.0.0.7', projectDir: (stack) => `/srv/${stack}` });
    expect(converted).toEqual({
      kind: 'incremental',
      revision: 12,
      removedTaskIds: ['t0'],
      assignments: [
        {
          desiredState: 'stop',
          task: {
            ref: { taskId: 't1', stack: 'shop', service: 'web', slot: 2, nodeId: 'n7' },
            spec,
            projectDir: '/srv/shop',
            nodeAddress: '10.0.0.7',
            networks: { front: network },
            volumes: {},
          },
        },
      ],
    });
  });
});
