// End to end over a real loopback socket: the generated grpc-js service definitions, clients and
// message codecs work together, including a bidirectional stream and a full ServiceSpec.
import {
  credentials,
  Server,
  ServerCredentials,
  status,
  type ServiceError,
} from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromProtoServiceSpec, toProtoServiceSpec, wire, type ServiceSpec } from './index.js';

const UPDATED_AT = new Date(1_700_000_000_123);
const LEASE_EXPIRY = new Date(1_700_000_005_000);

const webService: ServiceSpec = {
  name: 'web',
  image: 'nginx:1.27',
  pullPolicy: 'missing',
  command: [],
  environment: { TZ: 'UTC', HOME: null },
  ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }],
  expose: [],
  volumes: [
    {
      type: 'bind',
      source: '/srv/www',
      target: '/usr/share/nginx/html',
      readOnly: true,
      createHostPath: false,
    },
    { type: 'tmpfs', target: '/tmp', sizeBytes: 64 * 1024 * 1024 },
  ],
  networks: { default: { aliases: ['www'] } },
  dependsOn: { db: { condition: 'service_healthy', restart: true, required: true } },
  restart: { condition: 'on-failure', maxAttempts: 0, windowMs: 0 },
  stopSignal: 'SIGQUIT',
  stopGracePeriodMs: 10_000,
  init: false,
  labels: {},
  profiles: [],
  secrets: [],
  configs: [],
  deploy: {
    mode: 'replicated',
    replicas: 2,
    placement: {
      constraints: [{ field: 'node.role', op: '==', value: 'worker' }],
      spread: [],
      maxReplicasPerNode: 0,
    },
    resources: { limits: { cpus: 0.5, memoryBytes: 256 * 1024 * 1024 }, reservations: {} },
    labels: {},
  },
  berth: {
    driver: 'docker',
    restartBackoff: { initialMs: 100, maxMs: 60_000, multiplier: 2, resetAfterMs: 10_000 },
    unhealthy: 'restart',
    placementStrategy: 'spread',
    keepRunningWhenDisconnected: false,
  },
};

/** Control: only ListStacks; grpc-js answers the other methods with UNIMPLEMENTED. */
const control: Pick<wire.ControlServer, 'listStacks'> = {
  listStacks(_call, callback) {
    callback(null, {
      stacks: [
        { name: 'shop', services: 2, tasksDesired: 3, tasksRunning: 3, revision: 7, updatedAt: UPDATED_AT },
      ],
    });
  },
};

/** Agent: acks Register with a node id and one assignment, acks each Heartbeat, ends with the agent. */
const agent: wire.AgentServer = {
  connect(call) {
    call.on('data', (message: wire.AgentMessage) => {
      const payload = message.payload;
      if (payload?.$case === 'register') {
        call.write({
          payload: {
            $case: 'registerAck',
            value: { nodeId: payload.value.nodeId || 'node-1', heartbeatPeriodMs: 1_000, graceMs: 5_000 },
          },
        });
        call.write({
          payload: {
            $case: 'assignmentSet',
            value: {
              kind: wire.AssignmentSetKind.COMPLETE,
              revision: 1,
              assignments: [
                {
                  taskId: 't-web-1',
                  stack: 'shop',
                  service: 'web',
                  slot: 1,
                  spec: toProtoServiceSpec(webService),
                  desiredState: wire.DesiredState.RUN,
                  networks: {},
                  volumes: {},
                  secrets: {},
                  configs: {},
                },
              ],
              removedTaskIds: [],
            },
          },
        });
      } else if (payload?.$case === 'heartbeat') {
        call.write({
          payload: { $case: 'heartbeatAck', value: { seq: payload.value.seq, leaseExpiry: LEASE_EXPIRY } },
        });
      }
    });
    call.on('end', () => call.end());
  },
};

describe('generated grpc-js services over loopback', () => {
  const server = new Server();
  let address = '';

  beforeAll(async () => {
    server.addService(wire.ControlService, control);
    server.addService(wire.AgentService, agent);
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      );
    });
    address = `127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });

  it('serves a unary Control call, with Timestamps as Dates', async () => {
    const client = new wire.ControlClient(address, credentials.createInsecure());
    try {
      const response = await new Promise<wire.ListStacksResponse>((resolve, reject) => {
        client.listStacks({}, (err, res) => (err ? reject(err) : resolve(res)));
      });
      expect(response.stacks).toEqual([
        { name: 'shop', services: 2, tasksDesired: 3, tasksRunning: 3, revision: 7, updatedAt: UPDATED_AT },
      ]);
    } finally {
      client.close();
    }
  });

  it('answers an unimplemented Control method with UNIMPLEMENTED', async () => {
    const client = new wire.ControlClient(address, credentials.createInsecure());
    try {
      const error = await new Promise<ServiceError | null>((resolve) => {
        client.listNodes({}, (err) => resolve(err));
      });
      expect(error?.code).toBe(status.UNIMPLEMENTED);
    } finally {
      client.close();
    }
  });

  it('runs the Agent Connect stream both ways', async () => {
    const client = new wire.AgentClient(address, credentials.createInsecure());
    try {
      const stream = client.connect();
      const received: wire.SchedulerMessage[] = [];
      const ended = new Promise<void>((resolve, reject) => {
        stream.on('data', (message: wire.SchedulerMessage) => received.push(message));
        stream.on('end', () => resolve());
        stream.on('error', reject);
      });
      stream.write({
        payload: {
          $case: 'register',
          value: wire.Register.fromPartial({
            name: 'a',
            address: '127.0.0.1',
            cpus: 2,
            agentVersion: '0.1.0',
          }),
        },
      });
      stream.write({ payload: { $case: 'heartbeat', value: { seq: 1, time: new Date() } } });
      stream.end();
      await ended;

      expect(received.map((m) => m.payload?.$case)).toEqual([
        'registerAck',
        'assignmentSet',
        'heartbeatAck',
      ]);
      const [ack, assignments, heartbeatAck] = received.map((m) => m.payload?.value);
      expect(ack).toEqual({ nodeId: 'node-1', heartbeatPeriodMs: 1_000, graceMs: 5_000 });
      expect(heartbeatAck).toEqual({ seq: 1, leaseExpiry: LEASE_EXPIRY });
      const set = assignments as wire.AssignmentSet;
      expect(set.kind).toBe(wire.AssignmentSetKind.COMPLETE);
      expect(fromProtoServiceSpec(set.assignments[0]!.spec!)).toStrictEqual(webService);
    } finally {
      client.close();
    }
  });
});
