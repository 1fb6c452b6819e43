// Joining is secure by default: against a real scheduler (cluster A, one agent), a wrong token,
// another cluster's token, a node certificate from another cluster's CA (cluster B), and a
// plain-text client are all refused, each with a clear line, and `berth nodes` never changes.
import { cp, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { credentials, Metadata } from '@grpc/grpc-js';
import { wire } from '@berth/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BerthProcess } from '../support/berth-process.mjs';
import { AGENT_CONNECTED, Cluster, waitFor, type NodeJson } from '../support/cluster-harness.mjs';

/** How long a refused agent is watched for a (wrong) successful connection. */
const REFUSED_WATCH_MS = 8_000;

const nodeKeys = (nodes: NodeJson[]): string[] => nodes.map((n) => `${n.id} ${n.name} ${n.state}`).sort();

/** A token of the right cluster (same CA fingerprint) with a different secret. */
function withWrongSecret(token: string): string {
  const match = /^(BERTH-1-[0-9a-f]{64}-)([0-9a-f]{32})$/.exec(token);
  if (!match) throw new Error(`unexpected token format: ${token}`);
  const secret = match[2] ?? '';
  const flipped = secret.replace(/./g, (c) => ((parseInt(c, 16) + 1) % 16).toString(16));
  return `${match[1]}${flipped}`;
}

describe('joining is refused without the right credentials', () => {
  let a: Cluster;
  let foreignDataDir = '';
  let foreignToken = '';
  let before: string[] = [];

  beforeAll(async () => {
    a = await Cluster.start({ agents: 1, driver: 'process', prefix: 'berth-cluster-sec-a-' });
    // Cluster B only lends a node identity (certificate and key) signed by its own CA.
    const b = await Cluster.start({ agents: 1, driver: 'process', prefix: 'berth-cluster-sec-b-' });
    try {
      await b.host(1).agent.kill9();
      foreignDataDir = path.join(a.root, 'foreign-node');
      await cp(b.host(1).dataDir, foreignDataDir, { recursive: true });
      foreignToken = b.token;
    } finally {
      await b.close();
    }
    before = nodeKeys(await a.nodes());
    expect(before).toHaveLength(1);
    expect(foreignToken).toMatch(/^BERTH-1-/);
    expect(foreignToken).not.toBe(a.token);
  }, 120_000);

  afterAll(async () => {
    await a?.close();
  }, 60_000);

  /** Waits for `agent` to exit (status) or REFUSED_WATCH_MS, whichever comes first; it must never connect. */
  const watchRefused = async (agent: BerthProcess): Promise<void> => {
    const deadline = Date.now() + REFUSED_WATCH_MS;
    while (agent.running && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(agent.output).not.toMatch(AGENT_CONNECTED);
    expect(nodeKeys(await a.nodes())).toEqual(before);
  };

  it('a wrong token: the agent exits with status 4 and says why; no node appears', async () => {
    const agent = a.spawnAgent({ name: 'wrong-token', dataDir: path.join(a.root, 'wrong-token'), token: withWrongSecret(a.token) });
    const exit = await waitFor(() => agent.exit, { timeoutMs: 30_000, what: 'the agent with a wrong token to exit', context: () => agent.tail() });
    console.log(`[security] wrong token:\n${agent.tail(5)}`);
    expect(exit.code).toBe(4);
    expect(agent.output).toMatch(/refused the join token|wrong join token/i);
    await watchRefused(agent);
  }, 60_000);

  it("another cluster's token: the agent refuses the scheduler's CA and exits with status 4", async () => {
    const agent = a.spawnAgent({ name: 'other-token', dataDir: path.join(a.root, 'other-token'), token: foreignToken });
    const exit = await waitFor(() => agent.exit, { timeoutMs: 30_000, what: 'the agent with a foreign token to exit', context: () => agent.tail() });
    console.log(`[security] foreign token:\n${agent.tail(5)}`);
    expect(exit.code).toBe(4);
    expect(agent.output).toMatch(/join token pins|fingerprint/i);
    await watchRefused(agent);
  }, 60_000);

  it("a node certificate from another cluster's CA: never connected, no node appears", async () => {
    const dataDir = path.join(a.root, 'foreign-cert');
    await cp(foreignDataDir, dataDir, { recursive: true });
    const agent = a.spawnAgent({ name: 'foreign-cert', dataDir });
    await watchRefused(agent);
    console.log(`[security] foreign certificate (own CA kept):\n${agent.tail(5)}`);
    expect(agent.output).toMatch(/certificate|refused|UNAUTHENTICATED|unable to verify|self.signed/i);
  }, 60_000);

  it("a node certificate from another CA, presented to a scheduler the agent trusts: the scheduler refuses the stream", async () => {
    const dataDir = path.join(a.root, 'foreign-cert-trusting');
    await cp(foreignDataDir, dataDir, { recursive: true });
    // The agent trusts cluster A's CA, so the handshake gets as far as the scheduler checking the client.
    await writeFile(path.join(dataDir, 'tls', 'ca.crt'), await readFile(path.join(a.schedulerDir, 'pki', 'ca.crt')));
    const refusedBefore = a.schedulerLines('refused agent stream from ').length;
    const agent = a.spawnAgent({ name: 'foreign-cert-trusting', dataDir });
    await watchRefused(agent);
    console.log(`[security] foreign certificate (trusting A):\n${agent.tail(5)}\nscheduler: ${a.schedulerLines('refused agent stream from ').slice(-1).join('')}`);
    expect(a.schedulerLines('refused agent stream from ').length).toBeGreaterThan(refusedBefore);
    expect(agent.output).toMatch(/UNAUTHENTICATED|refused|certificate/i);
  }, 60_000);

  it('a plain-text client: Join and Connect fail even with the right token; no node appears', async () => {
    const cluster = new wire.ClusterClient(a.schedulerAddress, credentials.createInsecure());
    const agentClient = new wire.AgentClient(a.schedulerAddress, credentials.createInsecure());
    try {
      const joined = await new Promise<{ error: { code?: number; details?: string } | null }>((resolve) => {
        cluster.join({ token: a.token, csrPem: '', name: 'plain' }, new Metadata(), { deadline: Date.now() + 5_000 }, (error) => resolve({ error }));
      });
      expect(joined.error, 'a plain-text Join must fail').not.toBeNull();
      console.log(`[security] plain-text Join: ${joined.error?.details ?? ''}`);
      const streamError = await new Promise<Error>((resolve) => {
        const call = agentClient.connect({ deadline: Date.now() + 5_000 });
        call.on('error', resolve);
        call.on('data', () => resolve(new Error('the scheduler answered a plain-text stream')));
        call.write(wire.AgentMessage.fromPartial({}));
      });
      expect(streamError.message).not.toMatch(/answered/);
    } finally {
      cluster.close();
      agentClient.close();
    }
    // The agent itself, told to speak plain text (a hidden flag meant for in-process fakes).
    const agent = a.spawnAgent({ name: 'plain-agent', dataDir: path.join(a.root, 'plain-agent'), token: a.token, extraArgs: ['--insecure'] });
    await watchRefused(agent);
    console.log(`[security] plain-text agent:\n${agent.tail(5)}`);
  }, 60_000);
});
