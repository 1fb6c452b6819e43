// Hosting: the socket file's mode, stale and live sockets, closing; the client when nothing answers.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { controlPortCredentials, type TlsMaterial } from '@berth/api/pki';
import { testCa, testCertificate } from '../security/pki.fixture.js';
import { MemoryStateStore } from '../store/memory-store.js';
import { ControlApi } from './control-api.js';
import { connectControl, type ControlConnection } from './control-client.js';
import { noCleanup, noLogs } from './control.fixture.js';
import { serveControl, type ControlServerHandle } from './serve-control.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-serve-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(options: { socketPath?: string; tcp?: string }): Promise<ControlServerHandle> {
  const api = new ControlApi({ store: new MemoryStateStore(), requestLogs: noLogs, cleanupStack: noCleanup });
  const server = await serveControl({ api, ...options, closeGraceMs: 500 });
  cleanups.push(() => server.close());
  return server;
}

function client(host: string, tls?: TlsMaterial): ControlConnection {
  const c = connectControl(host, { callTimeoutMs: 5_000, ...(tls !== undefined ? { tls } : {}) });
  cleanups.push(() => c.close());
  return c;
}

/** A plain listener on `path` (something else answering there). */
function listenPlain(path: string): Promise<Server> {
  const server = createServer((s) => s.destroy());
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

/** Leaves a socket file behind the way a crash does: its listening process is killed with SIGKILL. */
async function leaveStaleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(process.argv[1], () => console.log('up'))", path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.kill('SIGKILL');
  await exited;
  clearTimeout(timer);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('serveControl', () => {
  it('creates the socket with mode 0600 and serves on it', async () => {
    const socketPath = join(tempDir(), 'control.sock');
    const server = await serve({ socketPath });
    expect(server.socketPath).toBe(socketPath);
    const stats = lstatSync(socketPath);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o600);
    await expect(client(`unix://${socketPath}`).listStacks()).resolves.toEqual([]);
  });

  it('replaces a stale socket file nobody answers on', async () => {
    const socketPath = join(tempDir(), 'control.sock');
    await leaveStaleSocket(socketPath);
    expect(existsSync(socketPath)).toBe(true);
    await serve({ socketPath });
    await expect(client(socketPath).listNodes()).resolves.toEqual([]);
  });

  it('refuses a socket something answers on, and a path that is not a socket', async () => {
    const dir = tempDir();
    const live = join(dir, 'live.sock');
    await listenPlain(live);
    const taken = await failure(serve({ socketPath: live }));
    expect(taken).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('another process is listening there') });
    expect(existsSync(live)).toBe(true);

    const file = join(dir, 'file.sock');
    writeFileSync(file, 'precious');
    expect(await failure(serve({ socketPath: file }))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('not a socket') });
    expect(existsSync(file)).toBe(true);
  });

  it('serves unix and TCP (TLS, admins) together, and close removes the socket and stops both', async () => {
    const socketPath = join(tempDir(), 'control.sock');
    const ca = await testCa();
    const tcpCredentials = controlPortCredentials(await testCertificate(ca, 'berth-scheduler', 'scheduler', { ipAddresses: ['127.0.0.1'] }));
    const api = new ControlApi({ store: new MemoryStateStore(), requestLogs: noLogs, cleanupStack: noCleanup });
    const refusals: string[] = [];
    const server = await serveControl({ api, socketPath, tcp: '127.0.0.1:0', tcpCredentials, onRefused: (peer, why) => refusals.push(`${peer}: ${why}`) });
    const tcp = client(`tcp://${server.tcpAddress ?? ''}`, await testCertificate(ca, 'alice', 'admin'));
    await expect(tcp.listStacks()).resolves.toEqual([]);
    // The unix socket needs no certificate.
    await expect(client(`unix://${socketPath}`).listStacks()).resolves.toEqual([]);
    // A node certificate from the same CA passes the handshake but not the role check.
    const asNode = client(`tcp://${server.tcpAddress ?? ''}`, await testCertificate(ca, '0123456789abcdef', 'node'));
    expect(await failure(asNode.listStacks())).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(refusals).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+: .*0123456789abcdef holds a node certificate/)]);
    await server.close();
    await server.close(); // twice is harmless
    expect(existsSync(socketPath)).toBe(false);
    expect(await failure(tcp.listStacks())).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('needs somewhere to listen', async () => {
    expect(await failure(serve({}))).toMatchObject({ code: 'USAGE' });
  });

  it('serves TCP only over TLS', async () => {
    expect(await failure(serve({ tcp: '127.0.0.1:0' }))).toMatchObject({ code: 'USAGE', message: expect.stringContaining('only over TLS') });
  });
});

describe('ControlConnection without a scheduler', () => {
  it('fails with UNAVAILABLE naming the socket', async () => {
    const socketPath = join(tempDir(), 'nobody.sock');
    const error = await failure(client(`unix://${socketPath}`).listStacks());
    expect(isBerthError(error, 'UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain(`cannot reach the berth scheduler at unix://${socketPath}`);
    expect(await failure(client(`unix://${socketPath}`).ping(500))).toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('waits for a scheduler that comes up, within the bound', async () => {
    const socketPath = join(tempDir(), 'late.sock');
    const c = client(`unix://${socketPath}`);
    const waiting = c.waitUntilReady(10_000, 50);
    await new Promise((r) => setTimeout(r, 100));
    await serve({ socketPath });
    await expect(waiting).resolves.toBeUndefined();
    expect(await failure(client(join(tempDir(), 'never.sock')).waitUntilReady(200, 50))).toMatchObject({ code: 'UNAVAILABLE' });
  });
});
