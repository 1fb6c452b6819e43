/**
 * Deleting what a removed stack left in the engine: the networks berth created for it and, when
 * asked, its named volumes. Objects are selected by berth's labels only (`io.berth.stack=<stack>`
 * plus the `io.berth.network` / `io.berth.volume` key that `StackResources` always sets), never
 * by name, so external networks and volumes, which berth does not create and so never labels,
 * are out of reach, as is anything a person made with a similar name. An object still in use
 * (a container attached or mounting it) is kept and reported; so is one the engine refuses to
 * delete: one object's failure does not stop the others.
 */
import type Docker from 'dockerode';
import type { StackCleanupReport } from '../runtime.js';
import { engineMessage, engineStatus, toBerthError } from './docker-errors.js';
import { BERTH_LABELS } from './engine-names.js';

/** Deletes stack `stack`'s unused berth-made networks (and volumes, with `removeVolumes`). */
export async function cleanupStackResources(
  docker: Docker,
  stack: string,
  options: { removeVolumes: boolean },
  where: string,
): Promise<StackCleanupReport> {
  const report: StackCleanupReport = { removed: [], kept: [] };
  await removeNetworks(docker, stack, report, where);
  if (options.removeVolumes) await removeVolumes(docker, stack, report, where);
  return report;
}

/** Label filters matching what berth created for `stack` of one kind. */
function berthMade(stack: string, kindLabel: string): { label: string[] } {
  return { label: [`${BERTH_LABELS.stack}=${stack}`, kindLabel] };
}

async function removeNetworks(docker: Docker, stack: string, report: StackCleanupReport, where: string): Promise<void> {
  let networks: Docker.NetworkInspectInfo[];
  try {
    networks = await docker.listNetworks({ filters: berthMade(stack, BERTH_LABELS.network) });
  } catch (err) {
    throw toBerthError(err, `listing the networks of stack ${stack}`, where);
  }
  for (const { Id: id, Name: name } of [...networks].sort(byName)) {
    const network = docker.getNetwork(id);
    try {
      // The list leaves out attached containers; the inspect says who still uses the network.
      const info = (await network.inspect()) as { Containers?: Record<string, unknown> };
      const attached = Object.keys(info.Containers ?? {}).length;
      if (attached > 0) {
        report.kept.push(`network ${name}: still used by ${attached} container${attached === 1 ? '' : 's'}`);
        continue;
      }
      await network.remove();
      report.removed.push(`network ${name}`);
    } catch (err) {
      // Gone meanwhile (another agent on the same engine, or a person): nothing left to do.
      if (engineStatus(err) === 404) continue;
      report.kept.push(`network ${name}: ${engineMessage(err)}`);
    }
  }
}

async function removeVolumes(docker: Docker, stack: string, report: StackCleanupReport, where: string): Promise<void> {
  let volumes: Docker.VolumeInspectInfo[];
  try {
    volumes = (await docker.listVolumes({ filters: berthMade(stack, BERTH_LABELS.volume) })).Volumes ?? [];
  } catch (err) {
    throw toBerthError(err, `listing the volumes of stack ${stack}`, where);
  }
  for (const { Name: name } of [...volumes].sort(byName)) {
    try {
      await docker.getVolume(name).remove();
      report.removed.push(`volume ${name}`);
    } catch (err) {
      if (engineStatus(err) === 404) continue;
      // 409: a container (running or not) still mounts it; its data stays.
      report.kept.push(`volume ${name}: ${engineStatus(err) === 409 ? 'still in use' : engineMessage(err)}`);
    }
  }
}

function byName(a: { Name: string }, b: { Name: string }): number {
  return a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0;
}
