/** Types of tcp-proxy.mjs: a cuttable TCP proxy between one agent and the scheduler. */

/** `open` forwards; `blackhole` holds every socket open and silent (a partition); `reset` sends RSTs. */
export type ProxyMode = 'open' | 'blackhole' | 'reset';

/** Where a proxy listens and where it forwards to. */
export interface TcpProxyOptions {
  /** A loopback address, e.g. the agent's `127.0.0.11`. */
  listenHost: string;
  /** 0 (default): any free port. */
  listenPort?: number;
  targetHost: string;
  targetPort: number;
  /** Source address of the upstream leg, so the target sees this host's address as the peer. */
  localAddress?: string;
}

/** A cuttable TCP proxy; see the module comment of tcp-proxy.mjs. */
export declare class TcpProxy {
  /** Listens on `listenHost:listenPort`. */
  static start(options: TcpProxyOptions): Promise<TcpProxy>;
  readonly options: TcpProxyOptions;
  /** The current mode. */
  readonly mode: ProxyMode;
  /** Port it listens on. */
  readonly port: number;
  /** `host:port` to dial instead of the target. */
  readonly address: string;
  /** Connections open through it now (held ones included). */
  readonly connections: number;
  /** Connections accepted since start (reset ones included). */
  readonly accepted: number;
  /** Bytes forwarded towards the target (`up`) and back (`down`). */
  readonly bytes: { up: number; down: number };
  /**
   * Stops forwarding. `blackhole` (default): every socket stays open and unread, new
   * connections are held the same way; `reset`: every connection, and each new one, is reset.
   */
  cut(how?: 'blackhole' | 'reset'): void;
  /** Forwards again; held connections are dialled and what was queued meanwhile flows. */
  restore(): void;
  /** Closes every connection and the listener. */
  close(): Promise<void>;
}
