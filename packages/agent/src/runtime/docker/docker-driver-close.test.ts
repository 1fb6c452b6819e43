// DockerDriver.close() against a stand-in engine on a unix socket whose wait endpoint never
// answers (a container that keeps running): close must end the request, or the agent process
// could never exit after SIGTERM while it runs containers.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDockerClient } from './docker-client.js';
import { DockerDriver } from './docker-driver.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A server that holds every request open; resolves with it listening and the requests it got. */
async function silentEngine(): Promise<{ socketPath: string; requests: IncomingMessage[]; closed: Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-fake-engine-'));
  const socketPath = path.join(dir, 'docker.sock');
  const requests: IncomingMessage[] = [];
  let onClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (onClosed = resolve));
  const server: Server = createServer((req) => {
    requests.push(req);
    req.socket.once('close', onClosed);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { socketPath, requests, closed };
}

describe('DockerDriver.close', () => {
  it('aborts a pending wait so nothing holds the process open', async () => {
    const engine = await silentEngine();
    const driver = new DockerDriver({ docker: createDockerClient({ DOCKER_HOST: `unix://${engine.socketPath}` }) });
    const ref = { taskId: 't1', stack: 's', service: 'web', slot: 1, nodeId: 'n1' };
    const waiting = driver.wait({ driver: 'docker', id: 'c'.repeat(64), ref, startedAt: 0 });
    const outcome = waiting.then(
      () => 'resolved',
      (err: unknown) => (err as Error).message,
    );
    for (let i = 0; i < 200 && engine.requests.length === 0; i += 1) await new Promise((r) => setTimeout(r, 5));
    expect(engine.requests.map((r) => `${r.method} ${r.url?.split('?')[0]}`)).toEqual([`POST /containers/${'c'.repeat(64)}/wait`]);

    driver.close();
    expect(await outcome).toMatch(/^waiting for container cccccccccccc was aborted/);
    await engine.closed; // the connection itself is gone, not just the promise
  });
});
