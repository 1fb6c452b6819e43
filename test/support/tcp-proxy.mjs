// @ts-check
/**
 * A TCP proxy a cluster harness puts between one agent and the scheduler, so a test can cut
 * that one host's connection without touching the others:
 *
 *   agent ──▶ proxy (listens on the agent's loopback address) ──▶ scheduler
 *                   open: bytes flow both ways (the upstream leg is dialled FROM the agent's
 *                         address, so the scheduler sees the host's address as the peer)
 *                   blackhole: nothing is read or written any more, sockets stay open, new
 *                         connections are accepted and held: a network partition, as TCP sees
 *                         one (what was sent meanwhile is delivered once it heals, as
 *                         retransmission would)
 *                   reset: every connection gets a TCP RST, new ones too (a rejecting firewall)
 *
 * Types and TSDoc: tcp-proxy.d.mts.
 */
import net from 'node:net';

/** @typedef {'open' | 'blackhole' | 'reset'} ProxyMode */

/** One proxied connection: the accepted socket and, once dialled, the upstream one. */
class Link {
  /** @type {net.Socket | undefined} */
  upstream;
  closed = false;

  /**
   * @param {TcpProxy} proxy
   * @param {net.Socket} client
   */
  constructor(proxy, client) {
    this.proxy = proxy;
    this.client = client;
  }

  dial() {
    const { targetHost, targetPort, localAddress } = this.proxy.options;
    const upstream = net.connect({ host: targetHost, port: targetPort, ...(localAddress ? { localAddress } : {}) });
    this.upstream = upstream;
    upstream.setNoDelay(true);
    this.#relay(this.client, upstream, 'up');
    this.#relay(upstream, this.client, 'down');
    if (this.proxy.mode === 'open') this.resume();
  }

  /**
   * @param {net.Socket} from
   * @param {net.Socket} to
   * @param {'up' | 'down'} direction
   */
  #relay(from, to, direction) {
    from.on('data', (/** @type {Buffer} */ chunk) => {
      this.proxy.bytes[direction] += chunk.length;
      // Backpressure: stop reading until the other side drains, unless cut meanwhile.
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => {
          if (this.proxy.mode === 'open') from.resume();
        });
      }
    });
    from.once('end', () => to.end());
    from.once('close', () => this.destroy());
    from.on('error', () => this.destroy());
  }

  pause() {
    this.client.pause();
    this.upstream?.pause();
  }

  resume() {
    this.client.resume();
    this.upstream?.resume();
  }

  reset() {
    this.closed = true;
    this.client.resetAndDestroy();
    if (this.upstream && !this.upstream.destroyed) {
      // An upstream still connecting cannot be reset; destroying it closes it as well.
      if (this.upstream.connecting) this.upstream.destroy();
      else this.upstream.resetAndDestroy();
    }
    this.proxy.links.delete(this);
  }

  destroy() {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.upstream?.destroy();
    this.proxy.links.delete(this);
  }
}

/** See the module comment and tcp-proxy.d.mts. */
export class TcpProxy {
  /** @type {ProxyMode} */
  mode = 'open';
  /** @type {Set<Link>} */
  links = new Set();
  bytes = { up: 0, down: 0 };
  accepted = 0;

  /**
   * @param {import('./tcp-proxy.d.mts').TcpProxyOptions} options
   * @param {net.Server} server
   */
  constructor(options, server) {
    this.options = options;
    this.server = server;
  }

  /** @param {import('./tcp-proxy.d.mts').TcpProxyOptions} options */
  static async start(options) {
    const server = net.createServer({ pauseOnConnect: true, noDelay: true });
    const proxy = new TcpProxy(options, server);
    server.on('connection', (socket) => proxy.#accept(socket));
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.listenPort ?? 0, options.listenHost, () => {
        server.off('error', reject);
        resolve(undefined);
      });
    });
    return proxy;
  }

  get port() {
    return /** @type {net.AddressInfo} */ (this.server.address()).port;
  }

  get address() {
    return `${this.options.listenHost}:${this.port}`;
  }

  get connections() {
    return this.links.size;
  }

  /** @param {net.Socket} socket */
  #accept(socket) {
    this.accepted += 1;
    if (this.mode === 'reset') {
      socket.resetAndDestroy();
      return;
    }
    const link = new Link(this, socket);
    this.links.add(link);
    // Held, unread and undialled, while blackholed: the client sees a connection that never answers.
    if (this.mode === 'open') link.dial();
  }

  /** @param {'blackhole' | 'reset'} [how] */
  cut(how = 'blackhole') {
    this.mode = how;
    for (const link of [...this.links]) {
      if (how === 'reset') link.reset();
      else link.pause();
    }
  }

  restore() {
    this.mode = 'open';
    for (const link of [...this.links]) {
      if (link.upstream === undefined) link.dial();
      else link.resume();
    }
  }

  async close() {
    this.mode = 'reset';
    for (const link of [...this.links]) link.destroy();
    await new Promise((resolve) => this.server.close(() => resolve(undefined)));
  }
}
