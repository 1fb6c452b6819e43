// @ts-check
/**
 * One simulated host of a cluster harness: its loopback address, dirs (data dir, and the HOME
 * its agent and process tasks run with), labels, proxy, agent processes and node ids. Types:
 * the ClusterHost interface in cluster-harness.d.mts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Loopback address of host `n` (1-based): 127.0.0.(10+n).
 * @param {number} n
 */
export function hostAddress(n) {
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new Error(`host numbers run from 1 to 200 (got ${n})`);
  return `127.0.0.${10 + n}`;
}

/** One simulated host: its agent process(es), proxy, dirs and node id(s). */
export class ClusterHost {
  /** @type {import('./berth-process.mjs').BerthProcess[]} */
  agents = [];
  /** @type {Set<string>} */
  nodeIds = new Set();

  /**
   * @param {number} n
   * @param {string} root
   * @param {Record<string, string>} labels
   * @param {import('./tcp-proxy.mjs').TcpProxy} proxy
   */
  constructor(n, root, labels, proxy) {
    this.n = n;
    this.name = `node-${n}`;
    this.address = hostAddress(n);
    this.dir = path.join(root, `host-${n}`);
    this.dataDir = path.join(this.dir, 'agent');
    this.home = path.join(this.dir, 'home');
    this.labels = labels;
    this.proxy = proxy;
  }

  get agent() {
    const a = this.agents.at(-1);
    if (a === undefined) throw new Error(`${this.name} has no agent yet`);
    return a;
  }

  /** The id the agent keeps in node.json (undefined before its first start). */
  storedNodeId() {
    try {
      const id = JSON.parse(readFileSync(path.join(this.dataDir, 'node.json'), 'utf8'))?.id;
      return typeof id === 'string' ? id : undefined;
    } catch {
      return undefined;
    }
  }

  ref() {
    return { n: this.n, home: this.home, dataDir: this.dataDir, agentPids: this.agents.map((a) => a.pid) };
  }
}
