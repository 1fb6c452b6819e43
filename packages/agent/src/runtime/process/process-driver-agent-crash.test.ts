// The real thing: an agent process starts a task and is `kill -9`ed; the task keeps running and
// a new driver re-adopts it, although it is no longer anybody's child here. The driver's
// sources are transpiled with TypeScript (a declared dev dependency) into a temp dir so a plain
// `node` can run them as the short-lived "agent".
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry, WorkloadHandle } from '../runtime.js';
import { ENDED_AFTER_READOPTION, ProcessDriver } from './process-driver.js';
import { StartedProcesses } from './process-driver.fixture.js';
import { hasEnded, readProcStatSync } from './proc-stat.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const API_ERRORS = join(HERE, '../../../../api/src/errors.ts');

const temps: string[] = [];
const started = new StartedProcesses();
const agents: ChildProcess[] = [];
afterEach(() => {
  started.killAll();
  for (const agent of agents.splice(0)) if (agent.exitCode === null && agent.signalCode === null) agent.kill('SIGKILL');
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Transpiles this folder's modules (and @berth/api's errors, their one runtime import) to JS. */
function buildDriver(): string {
  const out = tempDir('berth-crash-build-');
  const sources = readdirSync(HERE).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const file of [...sources.map((f) => join(HERE, f)), API_ERRORS]) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const js = outputText.replaceAll("from '@berth/api'", "from './berth-api.js'");
    const name = file === API_ERRORS ? 'berth-api.js' : file.slice(HERE.length + 1).replace(/\.ts$/, '.js');
    writeFileSync(join(out, name), js);
  }
  return out;
}

const AGENT_SCRIPT = `
import { ProcessDriver } from './process-driver.js';
const [dataDir, projectDir] = process.argv.slice(2);
const driver = new ProcessDriver({ dataDir });
const spec = {
  name: 'app',
  environment: {},
  command: ['sh', '-c', 'echo up; trap "echo got TERM; exit 0" TERM; while :; do sleep 0.05; done'],
};
const ref = { taskId: 'crash', stack: 'test', service: 'app', slot: 1, nodeId: 'n1' };
const handle = await driver.start({ ref, spec, projectDir, nodeAddress: '127.0.0.1', networks: {}, volumes: {} });
console.log(JSON.stringify(handle));
setInterval(() => {}, 1000);
`;

function alive(pid: number): boolean {
  const stat = readProcStatSync(pid);
  return stat !== undefined && !hasEnded(stat);
}

describe('ProcessDriver after the agent is killed', () => {
  it('leaves the task running, and a new agent re-adopts, stops and reports it', async () => {
    const build = buildDriver();
    writeFileSync(join(build, 'agent.mjs'), AGENT_SCRIPT);
    const dataDir = tempDir('berth-crash-data-');
    const projectDir = tempDir('berth-crash-proj-');
    const agent = spawn(process.execPath, [join(build, 'agent.mjs'), dataDir, projectDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    agents.push(agent);
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: agent.stdout! }).once('line', resolve);
      agent.once('exit', (code) => reject(new Error(`agent exited early (${code})`)));
    });
    const handle = started.track(JSON.parse(firstLine) as WorkloadHandle);
    const pid = Number(handle.id.split(':')[0]);

    const agentGone = new Promise((resolve) => agent.once('exit', resolve));
    agent.kill('SIGKILL');
    await agentGone;
    expect(alive(pid)).toBe(true);
    expect(readProcStatSync(pid)?.ppid).not.toBe(agent.pid);

    const driver = new ProcessDriver({ dataDir, pollIntervalMs: 25 });
    try {
      const [found] = await driver.recover('n1');
      expect(found).toMatchObject({ handle: { id: handle.id }, state: 'running', restarts: 0 });
      await driver.stop(handle, { signal: 'SIGTERM', graceMs: 10_000 });
      expect(alive(pid)).toBe(false);
      expect(await driver.wait(handle)).toMatchObject({ exitCode: -1, message: ENDED_AFTER_READOPTION });
      const logs: LogEntry[] = [];
      for await (const e of driver.logs(handle, { follow: false })) logs.push(e);
      // (stderr may hold the shell's "Terminated" for its sleep, which got the TERM too.)
      expect(logs.filter((e) => e.stream === 'stdout').map((e) => e.text)).toEqual(['up', 'got TERM']);
    } finally {
      driver.close();
    }
  });
});
