// End to end on Docker, through the real `berth` binary: a `berth daemon` on a temp data dir
// (reached with BERTH_HOST), the examples/web stack (frontend with a published port and an HTTP
// health check, 3 api replicas, a worker with a named volume) under a unique -p name. up --wait,
// a killed container restarted in place, scale up and down, an idempotent re-up, and down -v
// leaving nothing labelled with the stack. Only objects labelled io.berth.stack=<that name> and
// the daemon's own pid are ever touched.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDocker } from '../support/docker.js';
import {
  BerthDaemonDir,
  docker,
  freePort,
  stackContainers,
  stackObjects,
  taskContainerIds,
  uniqueStackName,
  until,
  type PsTask,
  type StackContainer,
} from '../support/berth-e2e.js';
import { REPO_ROOT } from '../support/shared.js';

const WEB = path.join(REPO_ROOT, 'examples/web/stack.yaml');

const byService = (tasks: PsTask[], service: string): PsTask[] => tasks.filter((t) => t.service === service);
const summary = (tasks: PsTask[]): string =>
  tasks.map((t) => `  ${t.service}-${t.slot} ${t.id} ${t.state} health=${t.health} restarts=${t.restarts} ${t.message}`).join('\n');
/** Task id → container (the running one when a task has several). */
const containerOfTask = (containers: StackContainer[]): Map<string, StackContainer> =>
  new Map(containers.filter((c) => c.running).map((c) => [c.task, c]));

await describeDocker('berth up/scale/down of examples/web on Docker (real binary, real daemon)', () => {
  const stack = uniqueStackName('e2eweb');
  let dir: BerthDaemonDir;
  let port = 0;
  const berth = (args: string[]) => dir.berth(args, { WEB_PORT: String(port) });
  const ps = async (): Promise<PsTask[]> => dir.ps(stack);
  /** Waits until ps matches `ok`; the timeout names what ps last showed. */
  const waitPs = async (ok: (tasks: PsTask[]) => boolean, what: string, timeoutMs = 45_000): Promise<PsTask[]> => {
    let last: PsTask[] = [];
    return until(
      async () => {
        last = await ps();
        return ok(last) ? last : undefined;
      },
      what,
      timeoutMs,
      () => `ps:\n${summary(last)}\n${dir.tail()}`,
    );
  };

  beforeAll(async () => {
    dir = await BerthDaemonDir.create('berth-e2e-web-');
    port = await freePort();
    await dir.startDaemon();
  }, 60_000);

  afterAll(async () => {
    await dir?.cleanup([stack]);
  }, 60_000);

  it('up --wait, restart of a killed container, scale up/down, idempotent re-up, down -v leaves nothing', async () => {
    // 1. up -d --wait: every task running, the checked ones healthy, the frontend answers.
    const up = await berth(['up', '-d', '--wait', '--timeout', '90', '-p', stack, '-f', WEB]);
    expect(up.stderr, dir.tail()).toBe('');
    expect(up.status).toBe(0);
    for (const service of ['frontend', 'api', 'worker']) expect(up.stdout).toMatch(new RegExp(`^${service}\\s+created$`, 'm'));
    let tasks = await ps();
    expect(tasks.map((t) => [t.service, t.slot, t.state, t.health, t.restarts])).toEqual([
      ['api', 1, 'running', 'healthy', 0],
      ['api', 2, 'running', 'healthy', 0],
      ['api', 3, 'running', 'healthy', 0],
      ['frontend', 1, 'running', 'healthy', 0],
      ['worker', 1, 'running', 'none', 0],
    ]);
    expect(new Set(tasks.map((t) => t.stack))).toEqual(new Set([stack]));
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/berth web example/);
    // One running container per task, each labelled with its task.
    let containers = await stackContainers(stack);
    expect(containers.filter((c) => c.running).map((c) => c.task).sort()).toEqual(tasks.map((t) => t.id).sort());
    // The named volume and the stack's network exist while it runs (down -v must remove them).
    const objects = await stackObjects(stack);
    expect(objects.networks.length).toBeGreaterThanOrEqual(1);
    expect(objects.volumes).toHaveLength(1);

    // 2. docker kill of one api container: the same task is restarted (restart: unless-stopped).
    const victim = byService(tasks, 'api')[1];
    if (victim === undefined) throw new Error('no api-2 task');
    const [victimContainer, ...more] = await taskContainerIds(stack, victim.id, true);
    expect(more).toEqual([]);
    if (victimContainer === undefined) throw new Error(`no running container for task ${victim.id}`);
    await docker(['kill', victimContainer]);
    tasks = await waitPs((ts) => {
      const t = ts.find((x) => x.id === victim.id);
      return t !== undefined && t.restarts >= 1 && t.state === 'running' && t.health === 'healthy';
    }, `task ${victim.id} to be restarted, running and healthy`);
    const restarted = tasks.find((t) => t.id === victim.id);
    expect(restarted).toMatchObject({ service: 'api', slot: 2, state: 'running' });
    expect(restarted?.restarts).toBeGreaterThanOrEqual(1);
    // Nothing else restarted, and the task runs in a (running) container again.
    expect(tasks.filter((t) => t.id !== victim.id).map((t) => t.restarts)).toEqual([0, 0, 0, 0]);
    expect(await taskContainerIds(stack, victim.id, true)).toHaveLength(1);

    // 3. scale api=5, then api=2: only api changes; the other services keep their containers.
    const beforeScale = containerOfTask(await stackContainers(stack));
    const scaleUp = await berth(['scale', '-p', stack, 'api=5']);
    expect(scaleUp.status, scaleUp.stderr).toBe(0);
    expect(scaleUp.stdout).toMatch(/^api\s+updated/m);
    tasks = await waitPs(
      (ts) => byService(ts, 'api').filter((t) => t.state === 'running').length === 5,
      '5 api tasks running',
    );
    expect(byService(tasks, 'api').map((t) => t.slot)).toEqual([1, 2, 3, 4, 5]);
    const scaleDown = await berth(['scale', '-p', stack, 'api=2']);
    expect(scaleDown.status, scaleDown.stderr).toBe(0);
    tasks = await waitPs((ts) => byService(ts, 'api').length === 2, 'api to be down to 2 tasks');
    expect(byService(tasks, 'api').map((t) => [t.slot, t.state])).toEqual([
      [1, 'running'],
      [2, 'running'],
    ]);
    containers = await until(
      async () => {
        const cs = await stackContainers(stack);
        return cs.filter((c) => c.service === 'api').length === 2 ? cs : undefined;
      },
      'the removed api replicas\' containers to be gone',
      30_000,
    );
    const afterScale = containerOfTask(containers);
    for (const t of tasks) {
      // Every task left (api-1, api-2, frontend, worker) kept the container it had before scaling.
      expect(afterScale.get(t.id)?.id, `${t.service}-${t.slot}`).toBe(beforeScale.get(t.id)?.id);
      expect(afterScale.get(t.id)?.startedAt).toBe(beforeScale.get(t.id)?.startedAt);
    }

    // 4. up again with the unchanged file. The file says api: 3 replicas, so (as with Compose)
    // api goes back to 3; nothing that runs is touched. A second up then changes nothing at all.
    const reUp = await berth(['up', '-d', '--wait', '--timeout', '60', '-p', stack, '-f', WEB]);
    expect(reUp.status, reUp.stderr).toBe(0);
    expect(reUp.stdout).toMatch(/^frontend\s+unchanged$/m);
    expect(reUp.stdout).toMatch(/^worker\s+unchanged$/m);
    const afterReUp = await stackContainers(stack);
    for (const c of containers) expect(afterReUp.find((x) => x.id === c.id), `container of ${c.service}`).toEqual(c);
    expect(afterReUp.filter((c) => c.service === 'api' && c.running)).toHaveLength(3);
    const settled = await ps();
    const same = await berth(['up', '-d', '--wait', '--timeout', '60', '-p', stack, '-f', WEB]);
    expect(same.status, same.stderr).toBe(0);
    for (const service of ['frontend', 'api', 'worker']) expect(same.stdout).toMatch(new RegExp(`^${service}\\s+unchanged$`, 'm'));
    expect(await stackContainers(stack)).toEqual(afterReUp);
    const psAfter = await ps();
    expect(psAfter.map((t) => [t.id, t.state, t.restarts])).toEqual(settled.map((t) => [t.id, t.state, t.restarts]));
    expect(psAfter.every((t) => t.state === 'running')).toBe(true);

    // 5. down -v: no container, network or volume labelled with the stack remains.
    const down = await berth(['down', '-v', '-p', stack]);
    expect(down.stderr, dir.tail()).toBe('');
    expect(down.status).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`^stack ${stack} removed with its volumes$`, 'm'));
    expect(await ps()).toEqual([]);
    expect(await stackObjects(stack)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 240_000);
});
