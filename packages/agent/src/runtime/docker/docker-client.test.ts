// pingDocker against stand-ins on loopback: no engine needed, and it must never throw.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDockerClient, pingDocker } from './docker-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function listen(server: Server | HttpServer): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

function closeLater(server: Server | HttpServer, sockets: Socket[] = []): void {
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
}

describe('createDockerClient', () => {
  it('targets the socket or host named in env, not process.env', () => {
    const unix = createDockerClient({ DOCKER_HOST: 'unix:///tmp/elsewhere.sock' });
    expect(unix.modem).toMatchObject({ socketPath: '/tmp/elsewhere.sock', host: undefined });
    const tcp = createDockerClient({ DOCKER_HOST: 'tcp://127.0.0.1:12375' });
    expect(tcp.modem).toMatchObject({ host: '127.0.0.1', port: 12375, protocol: 'http' });
    expect(createDockerClient({}).modem).toMatchObject({ socketPath: '/var/run/docker.sock' });
  });
});

describe('pingDocker', () => {
  it('says the socket is missing when no engine runs there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-ping-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const client = createDockerClient({ DOCKER_HOST: `unix://${join(dir, 'docker.sock')}` });
    const ping = await pingDocker(client, 2_000);
    expect(ping).toEqual({
      ok: false,
      reason: expect.stringMatching(/unix:\/\/.*docker\.sock.*does not exist/),
    });
  });

  it('says the connection was refused when nothing listens on the tcp port', async () => {
    const server = createTcpServer();
    const port = await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = createDockerClient({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    const ping = await pingDocker(client, 2_000);
    expect(ping).toEqual({ ok: false, reason: expect.stringContaining('connection refused') });
  });

  it('gives up after the timeout when the engine accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const server = createTcpServer((socket) => sockets.push(socket));
    const port = await listen(server);
    closeLater(server, sockets);
    const started = Date.now();
    const client = createDockerClient({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    const ping = await pingDocker(client, 300);
    expect(ping).toEqual({ ok: false, reason: expect.stringContaining('within 300 ms') });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('rejects an HTTP server that is not a Docker engine', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello":"world"}');
    });
    const port = await listen(server);
    closeLater(server);
    const client = createDockerClient({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    const ping = await pingDocker(client, 2_000);
    const reason = expect.stringContaining('not like a Docker engine');
    expect(ping).toEqual({ ok: false, reason });
  });

  it('reports the version of something that answers like an engine', async () => {
    const server = createHttpServer((req, res) => {
      const body = req.url?.endsWith('/version') ? '{"Version":"99.0.1"}' : '{}';
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    const port = await listen(server);
    closeLater(server);
    const client = createDockerClient({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    const ping = await pingDocker(client, 2_000);
    expect(ping).toEqual({ ok: true, version: '99.0.1' });
  });
});

describe('createDockerClient with TLS', () => {
  it('names the unreadable certificate instead of failing later', () => {
    const env = { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1' };
    expect(() => createDockerClient({ ...env, DOCKER_CERT_PATH: '/nonexistent' })).toThrow(
      /DOCKER_TLS_VERIFY is set but \/nonexistent\/ca\.pem cannot be read/,
    );
  });
});
