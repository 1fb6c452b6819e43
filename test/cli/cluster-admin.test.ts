// The cluster administration commands through the real binary against a real `berth scheduler`
// (its own data dir, agent port and Control TCP port on loopback) and one real agent on the
// process driver that joins with the token: `token` / `token rotate`, `cert create --admin`,
// the remote Control API over mutual TLS (`--host tcp://… --cert-dir`, BERTH_CERT_DIR, the
// context file), `nodes`, `node update`, `node rm`. Only processes this test started are
// ever signalled; every file lives in one temp dir (HOME and XDG_CONFIG_HOME point into it).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, BERTH_BIN, waitFor } from '../support/agent-harness.js';
import { freePort } from '../support/berth-e2e.js';
import type { BerthRun } from '../support/run-berth.js';
import { REPO_ROOT } from '../support/shared.js';

const TOKEN = /^BERTH-1-[0-9a-f]{64}-[0-9a-f]{32}$/;

/** Runs berth without blocking the event loop: the scheduler's and agent's output must keep flowing. */
function runBerthAsync(args: string[], env: Record<string, string>): Promise<BerthRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BERTH_BIN, ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 20_000 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, stdout, stderr });
    });
  });
}

interface NodeJson {
  id: string;
  name: string;
  state: string;
  availability: string;
  labels: Record<string, string>;
  tasks: number;
  running: number;
  reservedCpus: number;
  reservedMemoryBytes: number;
}

describe('berth token, cert, context, nodes and node against a real scheduler', () => {
  let root = '';
  let scheduler: AgentProcess | undefined;
  let agent: AgentProcess | undefined;
  let env: Record<string, string> = {};
  let unixHost = '';
  let tcpHost = '';
  let agentListen = '';
  const certs = (): string => path.join(root, 'certs');
  const berth = (args: string[], extra: Record<string, string> = {}): Promise<BerthRun> => runBerthAsync(args, { ...env, ...extra });
  const nodesJson = async (extra: Record<string, string> = {}): Promise<NodeJson[]> => {
    const r = await berth(['nodes', '--format', 'json'], extra);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as NodeJson[];
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'berth-admin-'));
    const [listenPort, controlPort] = [await freePort(), await freePort()];
    agentListen = `127.0.0.1:${listenPort}`;
    tcpHost = `tcp://127.0.0.1:${controlPort}`;
    unixHost = `unix://${path.join(root, 'scheduler', 'control.sock')}`;
    env = {
      PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: path.join(root, 'home'),
      XDG_CONFIG_HOME: path.join(root, 'config'),
      // Where a default daemon would live: nothing must ever be started or found there.
      XDG_STATE_HOME: path.join(root, 'state'),
      NO_COLOR: '1',
    };
    scheduler = new AgentProcess(
      ['scheduler', '--data-dir', path.join(root, 'scheduler'), '--listen', agentListen, '--control-tcp', `127.0.0.1:${controlPort}`, '--heartbeat-period', '200ms'],
      env,
    );
    await waitFor(
      async () => {
        if (!scheduler?.running) throw new Error(`berth scheduler exited:\n${scheduler?.tail()}`);
        return existsSync(path.join(root, 'scheduler', 'control.sock')) && (await berth(['--host', unixHost, 'token'])).status === 0;
      },
      'the scheduler to answer on its control socket',
      20_000,
      () => scheduler?.tail() ?? '',
    );
  }, 30_000);

  afterAll(async () => {
    await agent?.stop();
    await scheduler?.stop();
    if (root !== '') await rm(root, { recursive: true, force: true });
  }, 30_000);

  it('token prints the join token alone; rotate replaces it and says the old one no longer works', async () => {
    const first = await berth(['--host', unixHost, 'token']);
    expect(first.status).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^BERTH-1-[0-9a-f]{64}-[0-9a-f]{32}\n$/);
    // The option may also follow the command name.
    expect((await berth(['token', '--host', unixHost])).stdout).toBe(first.stdout);

    const rotated = await berth(['token', 'rotate'], { BERTH_HOST: unixHost });
    expect(rotated.status).toBe(0);
    expect(rotated.stdout.trim()).toMatch(TOKEN);
    expect(rotated.stdout).not.toBe(first.stdout);
    expect(rotated.stderr).toMatch(/previous token no longer works/);
    // Same CA, new secret: the fingerprint part stays.
    expect(rotated.stdout.slice(0, 72)).toBe(first.stdout.slice(0, 72));
    expect((await berth(['token'], { BERTH_HOST: unixHost })).stdout).toBe(rotated.stdout);
  });

  it('cert create --admin writes a cert dir over the unix socket and refuses to overwrite it', async () => {
    const created = await berth(['--host', unixHost, 'cert', 'create', '--admin', '--out', certs(), '--days', '7']);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(readdirSync(certs()).sort()).toEqual(['ca.crt', 'cert.crt', 'cert.key']);
    expect(statSync(certs()).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(certs(), 'cert.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(root, 'scheduler', 'pki', 'ca.crt'), 'utf8').trim()).toBe(readFileSync(path.join(certs(), 'ca.crt'), 'utf8').trim());
    expect(created.stdout).toContain(`wrote admin certificate "admin" (valid until `);
    expect(created.stdout).toContain(`  berth --host tcp://HOST:PORT --cert-dir ${certs()} nodes\n`);
    expect(created.stdout).toContain(`  berth context set --host tcp://HOST:PORT --cert-dir ${certs()}\n`);

    const again = await berth(['--host', unixHost, 'cert', 'create', '--admin', '--out', certs()]);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(`berth: ${certs()} already holds ca.crt, cert.crt, cert.key; pass --force to replace them, or choose another --out or --name\n`);

    // Without --out: $XDG_CONFIG_HOME/berth/certs/<name>, which is also where a tcp host looks by default.
    const named = await berth(['--host', unixHost, 'cert', 'create', '--admin']);
    expect(named.status).toBe(0);
    expect(readdirSync(path.join(root, 'config', 'berth', 'certs', 'admin')).sort()).toEqual(['ca.crt', 'cert.crt', 'cert.key']);

    const noRole = await berth(['--host', unixHost, 'cert', 'create', '--out', path.join(root, 'x')]);
    expect(noRole.status).toBe(2);
    expect(noRole.stderr).toMatch(/needs --admin/);
  });

  it('reaches the Control API over TCP with the admin certificate, and explains a missing one', async () => {
    const viaFlags = await berth(['--host', tcpHost, '--cert-dir', certs(), 'nodes']);
    expect(viaFlags.stderr).toBe('');
    expect(viaFlags.status).toBe(0);
    expect(viaFlags.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+ADDRESS\s+STATE\s+AVAILABILITY\s+LABELS\s+TASKS\s+CPU RESERVED\s+MEMORY RESERVED$/);
    // The default cert dir (written above without --out) serves when none is named.
    expect((await berth(['nodes'], { BERTH_HOST: tcpHost })).status).toBe(0);

    const missing = await berth(['nodes'], { BERTH_HOST: tcpHost, BERTH_CERT_DIR: path.join(root, 'nowhere') });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`berth: ${tcpHost} (from BERTH_HOST) needs a client certificate, but ${path.join(root, 'nowhere', 'ca.crt')} does not exist (cert dir from BERTH_CERT_DIR)`);
  });

  it('context set / show / clear: the context file names the scheduler and cert dir, below flags and environment', async () => {
    const set = await berth(['context', 'set', '--host', tcpHost, '--cert-dir', certs()]);
    expect(set.stderr).toBe('');
    expect(set.status).toBe(0);
    const file = path.join(root, 'config', 'berth', 'context.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ host: tcpHost, certDir: certs() });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    expect((await berth(['context', 'show'])).stdout).toBe(
      [`context file  ${file}`, `host          ${tcpHost}  (context file)`, `cert dir      ${certs()}  (context file; used for tcp:// hosts only)`, ''].join('\n'),
    );
    expect((await berth(['context', 'show'], { BERTH_HOST: unixHost })).stdout).toContain(`host          ${unixHost}  (BERTH_HOST)`);

    // No flag, no environment: the context's TCP host with its certificate.
    expect(await nodesJson()).toEqual([]);
    // A wrong cert dir in the environment beats the context's good one.
    expect((await berth(['nodes'], { BERTH_CERT_DIR: path.join(root, 'nowhere') })).status).toBe(1);

    const clear = await berth(['context', 'clear']);
    expect(clear.status).toBe(0);
    expect(existsSync(file)).toBe(false);
    // Back to the local daemon, which does not exist here.
    const none = await berth(['nodes']);
    expect(none.status).toBe(3);
    expect(none.stderr).toMatch(/^berth: no berth daemon is running/);
  });

  it('nodes, node update and node rm manage a joined agent; its node certificate is not an admin one', async () => {
    const token = (await berth(['token'], { BERTH_HOST: unixHost })).stdout.trim();
    const agentData = path.join(root, 'agent');
    agent = new AgentProcess(
      ['agent', '--join', agentListen, '--token', token, '--data-dir', agentData, '--name', 'n1', '--driver', 'process', '--label', 'zone=eu'],
      { ...env, HOME: path.join(root, 'agent-home') },
    );
    const viaTcp = { BERTH_HOST: tcpHost, BERTH_CERT_DIR: certs() };
    const [joined] = await waitFor(
      async () => {
        if (!agent?.running) throw new Error(`berth agent exited:\n${agent?.tail()}`);
        const nodes = await nodesJson(viaTcp);
        return nodes.length === 1 && nodes[0]?.state === 'ready' ? nodes : undefined;
      },
      'the agent to join and be ready',
      30_000,
      () => agent?.tail() ?? '',
    );
    expect(joined).toMatchObject({ name: 'n1', availability: 'active', labels: { zone: 'eu' }, tasks: 0, running: 0, reservedCpus: 0, reservedMemoryBytes: 0 });
    const id = joined?.id ?? '';

    const table = await berth(['nodes'], viaTcp);
    expect(table.stdout).toMatch(new RegExp(`^${id.slice(0, 12)}\\s+n1\\s+127\\.0\\.0\\.1\\s+ready\\s+active\\s+zone=eu\\s+0/0\\s+0 of \\S+\\s+0 B of .+$`, 'm'));
    expect((await berth(['node', 'ls'], viaTcp)).stdout).toBe(table.stdout);

    const update = await berth(['node', 'update', 'n1', '--label-add', 'ssd=yes', '--label-rm', 'zone', '--availability', 'pause'], viaTcp);
    expect(update.stderr).toBe('');
    expect(update.status).toBe(0);
    expect(update.stdout).toBe(`updated node n1 (${id.slice(0, 12)}): availability pause; labels ssd=yes\n`);
    expect((await nodesJson(viaTcp))[0]).toMatchObject({ availability: 'pause', labels: { ssd: 'yes' } });

    const badLabel = await berth(['node', 'update', 'n1', '--label-add', 'zone'], viaTcp);
    expect(badLabel.status).toBe(2);
    expect(badLabel.stderr).toBe('berth: --label-add "zone": expected key=value (use --label-rm to remove a label)\n');
    const unknown = await berth(['node', 'update', 'nope', '--availability', 'drain'], viaTcp);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/no node "nope"/);

    // The node's own certificate, laid out as a cert dir, is refused on the Control API.
    const nodeCerts = path.join(root, 'node-certs');
    mkdirSync(nodeCerts);
    copyFileSync(path.join(agentData, 'tls', 'ca.crt'), path.join(nodeCerts, 'ca.crt'));
    copyFileSync(path.join(agentData, 'tls', 'node.crt'), path.join(nodeCerts, 'cert.crt'));
    copyFileSync(path.join(agentData, 'tls', 'node.key'), path.join(nodeCerts, 'cert.key'));
    const asNode = await berth(['nodes'], { BERTH_HOST: tcpHost, BERTH_CERT_DIR: nodeCerts });
    expect(asNode.status).toBe(4);

    const refused = await berth(['node', 'rm', id.slice(0, 8)], viaTcp);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/is ready; drain it first .* or use --force/);
    const removed = await berth(['node', 'rm', '--force', id.slice(0, 8)], viaTcp);
    expect(removed.stderr).toBe('');
    expect(removed.status).toBe(0);
    expect(removed.stdout).toBe(`removed node ${id.slice(0, 12)} (its certificate is revoked); no tasks to move\n`);
    expect((await nodesJson(viaTcp)).filter((n) => n.id === id && n.state === 'ready')).toEqual([]);
    // The removed node's agent is refused for good: it stops redialling and exits with status 4.
    const exit = await Promise.race([agent.exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
    expect(exit, agent.tail()).toEqual({ code: 4, signal: null });
    expect(agent.output).toMatch(/the scheduler refused this node for good: node \S+ was removed from the cluster/);
  }, 60_000);
});
