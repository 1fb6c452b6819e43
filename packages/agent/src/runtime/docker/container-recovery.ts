/**
 * Re-adoption after an agent restart: the containers labelled with this node's id are the
 * tasks the previous agent run left. Containers outlive the agent, so a running one is handed
 * back as running, with the same container id, and is not restarted.
 *
 * Restart counts are not recovered: container labels cannot change after create, and the
 * engine has no other per-container place to write to. The agent persists counts itself
 * (the docker driver does not implement `recordRestarts`), so `restarts` is always 0 here.
 */
import type Docker from 'dockerode';
import type { RecoveredWorkload } from '../runtime.js';
import { toBerthError } from './docker-errors.js';
import { BERTH_LABELS, taskRefFromLabels } from './engine-names.js';
import { engineTime, exitResultOf } from './exit-result.js';

/** Finds this node's berth containers and how each is doing. */
export async function recoverContainers(docker: Docker, nodeId: string, where: string): Promise<RecoveredWorkload[]> {
  let listed: Docker.ContainerInfo[];
  try {
    listed = await docker.listContainers({ all: true, filters: { label: [`${BERTH_LABELS.node}=${nodeId}`] } });
  } catch (err) {
    throw toBerthError(err, `listing containers of node ${nodeId}`, where);
  }
  const found: RecoveredWorkload[] = [];
  for (const summary of listed) {
    const ref = taskRefFromLabels(summary.Labels);
    // Not one of ours after all (a label set by hand): leave it alone.
    if (!ref || ref.nodeId !== nodeId) continue;
    let info: Docker.ContainerInspectInfo;
    try {
      info = await docker.getContainer(summary.Id).inspect();
    } catch (err) {
      // Removed between list and inspect: nothing to adopt.
      if ((err as { statusCode?: unknown }).statusCode === 404) continue;
      throw toBerthError(err, `inspecting container ${summary.Id.slice(0, 12)}`, where);
    }
    const now = Date.now();
    const startedAt = engineTime(info.State.StartedAt) ?? summary.Created * 1000;
    const handle = { driver: 'docker' as const, id: info.Id, ref, startedAt };
    if (info.State.Running) {
      found.push({ handle, state: 'running', restarts: 0 });
    } else {
      const exit = exitResultOf(info.State, now);
      // A container created but never started has no exit of its own to report.
      if (engineTime(info.State.StartedAt) === undefined) exit.message ??= 'created but never started';
      found.push({ handle, state: 'exited', exit, restarts: 0 });
    }
  }
  return found;
}
