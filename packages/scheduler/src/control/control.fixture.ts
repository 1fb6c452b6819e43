/**
 * Test harness for the Control API: a real grpc-js server on a unix socket in a fresh temp dir
 * (and optionally on 127.0.0.1:0) over a given or fresh memory store, and a client connected
 * to it. No test framework imports, like the store's fixture.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogChunk, ServiceSpec, StackSpec } from '@berth/api';
import { MemoryStateStore } from '../store/memory-store.js';
import type { StateStore } from '../store/state-store.js';
import { sampleService } from '../store/store.fixture.js';
import { ControlApi, type CleanupStack } from './control-api.js';
import type { ControlAuthority } from './control-authority.js';
import { connectControl, type ControlConnection } from './control-client.js';
import type { RequestLogs } from './log-fan-in.js';
import { serveControl, type ControlServerHandle } from './serve-control.js';

/** A served Control API and a client of it. */
export interface ControlHarness {
  dir: string;
  socketPath: string;
  store: StateStore;
  api: ControlApi;
  server: ControlServerHandle;
  client: ControlConnection;
  /** Every `cleanupStack` call the API made, in order (when the harness provides it). */
  cleanups: Array<{ stack: string; removeVolumes: boolean }>;
  /** Every line the API logged. */
  logs: string[];
  /** Closes the client, the server and the store (when the harness made it), removes the temp dir. */
  close(): Promise<void>;
}

/** What to serve. */
export interface HarnessOptions {
  store?: StateStore;
  requestLogs?: RequestLogs;
  /** Replaces the harness's recording `cleanupStack` (which tells 1 node). */
  cleanupStack?: CleanupStack;
  now?: () => number;
  tcp?: boolean;
  authority?: ControlAuthority;
}

/** A requestLogs that has no logs at all (each request ends at once). */
export const noLogs: RequestLogs = async function* () {};

/** A cleanupStack with no nodes to tell. */
export const noCleanup: CleanupStack = () => 0;

/** Starts a harness; see the module comment. */
export async function startControl(options: HarnessOptions = {}): Promise<ControlHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-control-'));
  const socketPath = join(dir, 'control.sock');
  const store = options.store ?? new MemoryStateStore({ now: () => 50_000 });
  const cleanups: ControlHarness['cleanups'] = [];
  const logs: string[] = [];
  const recordCleanup: CleanupStack = (stack, { removeVolumes }) => {
    cleanups.push({ stack, removeVolumes });
    return 1;
  };
  const api = new ControlApi({
    store,
    requestLogs: options.requestLogs ?? noLogs,
    cleanupStack: options.cleanupStack ?? recordCleanup,
    log: (line) => logs.push(line),
    now: options.now ?? (() => 60_000),
    ...(options.authority !== undefined ? { authority: options.authority } : {}),
  });
  const server = await serveControl({ api, socketPath, ...(options.tcp === true ? { tcp: '127.0.0.1:0' } : {}), closeGraceMs: 500 });
  const client = connectControl(`unix://${socketPath}`, { callTimeoutMs: 10_000 });
  return {
    dir,
    socketPath,
    store,
    api,
    server,
    client,
    cleanups,
    logs,
    async close() {
      client.close();
      await server.close();
      if (options.store === undefined) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A service spec from the store fixture with `over` applied to its top level and `deploy`. */
export function serviceSpec(name: string, over: Partial<ServiceSpec> = {}, deploy: Partial<ServiceSpec['deploy']> = {}): ServiceSpec {
  const base = sampleService(name, 2);
  return { ...base, ...over, name, deploy: { ...base.deploy, ...deploy } };
}

/** A stack spec holding `services`. */
export function stackSpec(name: string, services: readonly ServiceSpec[]): StackSpec {
  return {
    name,
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
  };
}

/** A log chunk of `text` for `taskId`. */
export function chunk(taskId: string, text: string, options: { stream?: 'stdout' | 'stderr'; time?: number; eof?: boolean } = {}): LogChunk {
  return {
    requestId: `req-${taskId}`,
    taskId,
    stream: options.stream ?? 'stdout',
    data: new TextEncoder().encode(text),
    ...(options.time !== undefined ? { time: options.time } : {}),
    eof: options.eof ?? false,
  };
}
