// @ts-check
/**
 * What really runs on each simulated host of a cluster harness, and how to kill it, without
 * asking berth (the scheduler's view is what the tests check, so it cannot be the yardstick):
 *
 *   process driver  every process whose /proc/<pid>/environ has HOME=<the host's own home dir>
 *                   (the agent runs with that HOME and passes it on to its tasks), joined with
 *                   the agent's task records <dataDir>/tasks/<taskId>/process.json (pid + start
 *                   time → stack, service, slot); a record whose process still lives counts
 *                   even if the task set its own HOME; a marked process no record names is
 *                   reported as unattributed (a leak)
 *   docker driver   running containers labelled io.berth.stack=<one of the harness's stacks>;
 *                   the io.berth.node label says which host's agent made them
 *
 * A process is named by pid AND start time (field 22 of /proc/<pid>/stat): pids are reused.
 * Nothing is ever matched by command name. Types and TSDoc: host-workloads.d.mts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { listContainers, removeContainer } from './docker-engine-api.mjs';

/**
 * State, process group and start time of `pid`; undefined when there is no such live process
 * (a zombie has ended: it only waits to be reaped).
 * @param {number} pid
 */
export function procStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (comm) may hold spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0] ?? '';
  if (state === 'Z' || state === 'X') return undefined;
  const pgid = Number(fields[5 - 3]);
  const startTime = Number(fields[22 - 3]);
  if (!Number.isInteger(startTime)) return undefined;
  return { state, pgid, startTime };
}

/**
 * True while `pid` is the same live process that started at `startTime`.
 * @param {number} pid
 * @param {number} startTime
 */
export function isSameProcessAlive(pid, startTime) {
  return procStat(pid)?.startTime === startTime;
}

/**
 * SIGKILLs the process `pid` (if it is still the one that started at `startTime`) and, when it
 * leads its own process group (as process tasks do), that whole group. True if it was alive.
 * @param {number} pid
 * @param {number} startTime
 */
export function killProcess(pid, startTime) {
  const stat = procStat(pid);
  if (stat?.startTime !== startTime) return false;
  try {
    if (stat.pgid === pid) process.kill(-pid, 'SIGKILL');
    else process.kill(pid, 'SIGKILL');
  } catch {
    // Ended in between.
  }
  return true;
}

/**
 * The process-driver task records in an agent's data dir (unreadable or half-written ones skipped).
 * @param {string} dataDir
 * @returns {Promise<import('./host-workloads.d.mts').ProcessTaskRecord[]>}
 */
export async function readProcessRecords(dataDir) {
  const dir = path.join(dataDir, 'tasks');
  let ids;
  try {
    ids = await readdir(dir);
  } catch {
    return [];
  }
  const records = await Promise.all(
    ids.map(async (taskDir) => {
      try {
        const r = JSON.parse(await readFile(path.join(dir, taskDir, 'process.json'), 'utf8'));
        const ref = r?.ref;
        if (!Number.isInteger(r?.pid) || !Number.isInteger(r?.startTime) || typeof ref?.stack !== 'string') return undefined;
        return {
          pid: r.pid,
          startTime: r.startTime,
          taskId: String(ref.taskId),
          stack: ref.stack,
          service: String(ref.service),
          slot: Number(ref.slot),
          nodeId: String(ref.nodeId),
        };
      } catch {
        return undefined;
      }
    }),
  );
  return records.filter((r) => r !== undefined);
}

/**
 * Finds processes by the HOME they were started with. Remembers, per pid and start time, what
 * it read, so each scan reads only /proc/<pid>/stat of known processes and the environ of new ones.
 */
export class HomeScanner {
  /** @type {Map<string, string | null>} `pid:startTime` → HOME (null: none or unreadable). */
  #homes = new Map();

  /**
   * Live processes whose HOME is a key of `homes`, with that key's value as their host.
   * @param {ReadonlyMap<string, number>} homes
   * @param {ReadonlySet<number>} [exclude] pids never to report (the agents themselves)
   * @returns {Array<{ pid: number; startTime: number; host: number }>}
   */
  scan(homes, exclude = new Set()) {
    /** @type {Array<{ pid: number; startTime: number; host: number }>} */
    const found = [];
    /** @type {Set<string>} */
    const seen = new Set();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (pid === process.pid || exclude.has(pid)) continue;
      const stat = procStat(pid);
      if (stat === undefined) continue;
      const key = `${pid}:${stat.startTime}`;
      seen.add(key);
      let home = this.#homes.get(key);
      if (home === undefined) {
        home = readHome(pid);
        this.#homes.set(key, home);
      }
      const host = home === null ? undefined : homes.get(home);
      if (host !== undefined) found.push({ pid, startTime: stat.startTime, host });
    }
    for (const key of this.#homes.keys()) if (!seen.has(key)) this.#homes.delete(key);
    return found;
  }
}

/**
 * HOME of `pid` from its initial environment; null when unreadable or unset.
 * @param {number} pid
 */
function readHome(pid) {
  let environ;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return null;
  }
  for (const entry of environ.split('\0')) if (entry.startsWith('HOME=')) return entry.slice('HOME='.length);
  return null;
}

/**
 * Process-driver copies on `hosts`, from the HOME marker and the task records.
 * @param {HomeScanner} scanner
 * @param {ReadonlyArray<import('./host-workloads.d.mts').HostRef>} hosts
 * @returns {Promise<import('./host-workloads.d.mts').WorkloadScan>}
 */
export async function scanProcessWorkloads(scanner, hosts) {
  const homes = new Map(hosts.map((h) => [h.home, h.n]));
  const exclude = new Set(hosts.flatMap((h) => h.agentPids));
  const marked = scanner.scan(homes, exclude);
  const recordsByHost = await Promise.all(hosts.map(async (h) => ({ host: h.n, records: await readProcessRecords(h.dataDir) })));
  /** @type {import('./host-workloads.d.mts').WorkloadScan} */
  const scan = { copies: [], unattributed: [] };
  /** @type {Set<string>} */
  const attributed = new Set();
  for (const { host, records } of recordsByHost) {
    for (const r of records) {
      const id = `${r.pid}:${r.startTime}`;
      if (attributed.has(id) || !isSameProcessAlive(r.pid, r.startTime)) continue;
      attributed.add(id);
      scan.copies.push({ host, stack: r.stack, service: r.service, slot: r.slot, taskId: r.taskId, id });
    }
  }
  for (const p of marked) {
    const id = `${p.pid}:${p.startTime}`;
    if (!attributed.has(id)) scan.unattributed.push({ host: p.host, id });
  }
  return scan;
}

/**
 * Kills every workload process of one host (HOME-marked or named by a live record); how many.
 * @param {HomeScanner} scanner
 * @param {import('./host-workloads.d.mts').HostRef} host
 */
export async function killProcessWorkloads(scanner, host) {
  const victims = new Map();
  for (const p of scanner.scan(new Map([[host.home, host.n]]), new Set(host.agentPids))) victims.set(`${p.pid}:${p.startTime}`, p);
  for (const r of await readProcessRecords(host.dataDir)) victims.set(`${r.pid}:${r.startTime}`, r);
  let killed = 0;
  for (const v of victims.values()) if (killProcess(v.pid, v.startTime)) killed += 1;
  return killed;
}

/**
 * Running containers of `stacks`, attributed to hosts by their io.berth.node label (0: a node
 * id no host of this harness has).
 * @param {readonly string[]} stacks
 * @param {ReadonlyMap<string, number>} hostByNodeId
 * @returns {Promise<import('./host-workloads.d.mts').WorkloadScan>}
 */
export async function scanDockerWorkloads(stacks, hostByNodeId) {
  /** @type {import('./host-workloads.d.mts').WorkloadScan} */
  const scan = { copies: [], unattributed: [] };
  const lists = await Promise.all(stacks.map((s) => listContainers([`io.berth.stack=${s}`])));
  for (const c of lists.flat()) {
    const l = c.labels;
    const host = hostByNodeId.get(l['io.berth.node'] ?? '') ?? 0;
    const slot = Number(l['io.berth.slot']);
    if (l['io.berth.service'] === undefined || !Number.isInteger(slot)) {
      scan.unattributed.push({ host, id: c.id });
      continue;
    }
    scan.copies.push({ host, stack: l['io.berth.stack'] ?? '', service: l['io.berth.service'], slot, taskId: l['io.berth.task'] ?? '', id: c.id });
  }
  return scan;
}

/**
 * Force-removes every container (running or not) a host's agent made: labelled
 * io.berth.node=<one of its node ids>; how many went.
 * @param {readonly string[]} nodeIds
 */
export async function removeHostContainers(nodeIds) {
  let removed = 0;
  for (const id of nodeIds) {
    for (const c of await listContainers([`io.berth.node=${id}`], { all: true })) if (await removeContainer(c.id)) removed += 1;
  }
  return removed;
}
