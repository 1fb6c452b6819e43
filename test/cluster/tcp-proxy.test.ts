// The cluster harness's cuttable proxy against a real echo server on loopback: it forwards and
// shows the host's address to the target; a blackhole holds every socket open and silent (and
// new ones too) until restored, then delivers what was queued; reset sends RSTs.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../support/berth-process.mjs';
import { TcpProxy } from '../support/tcp-proxy.mjs';

const HOST_ADDRESS = '127.0.0.41';

interface EchoServer {
  server: net.Server;
  port: number;
  peers: string[];
}

async function echoServer(): Promise<EchoServer> {
  const peers: string[] = [];
  const server = net.createServer((s) => {
    peers.push(s.remoteAddress ?? '');
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, peers };
}

/** A client whose received bytes, errors and close are recorded. */
function client(address: string): { socket: net.Socket; received: () => string; error: () => NodeJS.ErrnoException | undefined; closed: () => boolean } {
  const [host, port] = address.split(':');
  const socket = net.connect({ host: host ?? '', port: Number(port) });
  let data = '';
  let error: NodeJS.ErrnoException | undefined;
  let closed = false;
  socket.on('data', (c: Buffer) => (data += c.toString('utf8')));
  socket.on('error', (e) => (error = e));
  socket.on('close', () => (closed = true));
  return { socket, received: () => data, error: () => error, closed: () => closed };
}

async function until(check: () => boolean, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('TcpProxy', () => {
  let echo: EchoServer;
  let proxy: TcpProxy;
  const clients: net.Socket[] = [];

  beforeEach(async () => {
    echo = await echoServer();
    proxy = await TcpProxy.start({ listenHost: HOST_ADDRESS, targetHost: '127.0.0.1', targetPort: echo.port, localAddress: HOST_ADDRESS });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await proxy.close();
    await new Promise((resolve) => echo.server.close(resolve));
  });

  const connect = (): ReturnType<typeof client> => {
    const c = client(proxy.address);
    clients.push(c.socket);
    return c;
  };

  it('forwards both ways and dials the target from the host address', async () => {
    expect(proxy.address).toMatch(new RegExp(`^${HOST_ADDRESS.replace(/\./g, '\\.')}:\\d+$`));
    const c = connect();
    c.socket.write('hello');
    await until(() => c.received() === 'hello', 'the echo');
    expect(echo.peers).toEqual([HOST_ADDRESS]);
    expect(proxy.bytes).toEqual({ up: 5, down: 5 });
    expect(proxy.connections).toBe(1);
  });

  it('blackhole: open sockets stay open and silent, then deliver what was queued once restored', async () => {
    const c = connect();
    c.socket.write('a');
    await until(() => c.received() === 'a', 'the first echo');
    proxy.cut();
    expect(proxy.mode).toBe('blackhole');
    c.socket.write('b');
    await sleep(300);
    expect(c.received()).toBe('a');
    expect(c.closed()).toBe(false);
    expect(c.error()).toBeUndefined();
    proxy.restore();
    await until(() => c.received() === 'ab', 'the queued echo after restore');
    expect(c.closed()).toBe(false);
  });

  it('blackhole: a new connection is accepted but held, and dialled on restore', async () => {
    proxy.cut('blackhole');
    const c = connect();
    await new Promise<void>((resolve) => c.socket.once('connect', () => resolve()));
    c.socket.write('held');
    await sleep(300);
    expect(c.received()).toBe('');
    expect(echo.peers).toEqual([]);
    expect(proxy.connections).toBe(1);
    proxy.restore();
    await until(() => c.received() === 'held', 'the held connection to be forwarded');
    expect(echo.peers).toEqual([HOST_ADDRESS]);
  });

  it('reset: open connections get a RST and new ones are refused until restored', async () => {
    const c = connect();
    c.socket.write('x');
    await until(() => c.received() === 'x', 'the first echo');
    proxy.cut('reset');
    await until(() => c.closed(), 'the reset to close the client');
    expect(c.error()?.code).toBe('ECONNRESET');
    const refused = connect();
    await until(() => refused.closed(), 'a new connection to be reset');
    expect(refused.received()).toBe('');
    proxy.restore();
    const again = connect();
    again.socket.write('y');
    await until(() => again.received() === 'y', 'an echo after restore');
  });

  it('passes a close on: the target sees the client go', async () => {
    const c = connect();
    c.socket.write('z');
    await until(() => c.received() === 'z', 'the echo');
    c.socket.end();
    await until(() => proxy.connections === 0, 'the proxy to drop the link');
    expect(c.closed() || c.socket.readableEnded).toBe(true);
  });
});
