import type Docker from 'dockerode';

/** Label every object a test creates carries; its value is the test run's id. */
export const TEST_LABEL = 'io.berth.test';

/** What a cleanup removed, by kind. */
export interface RemovedByLabel {
  containers: number;
  networks: number;
  volumes: number;
}

/**
 * Removes every container (forced, with its anonymous volumes), then network, then volume
 * labelled `io.berth.test=<runId>`. Selects by label only, never by name, so it cannot touch
 * anything another run or a person made. Tries everything before throwing what failed.
 */
export async function removeByTestLabel(docker: Docker, runId: string): Promise<RemovedByLabel> {
  if (runId.trim() === '') throw new Error('removeByTestLabel needs a non-empty run id');
  const filters = { label: [`${TEST_LABEL}=${runId}`] };
  const failures: unknown[] = [];
  const removed: RemovedByLabel = { containers: 0, networks: 0, volumes: 0 };

  // Containers first: networks and volumes cannot go while a container uses them.
  const containers = await docker.listContainers({ all: true, filters });
  for (const c of containers) {
    const container = docker.getContainer(c.Id);
    const remove = (): Promise<unknown> => container.remove({ force: true, v: true });
    if (await attempt(remove, failures)) removed.containers += 1;
  }
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) {
    if (await attempt(() => docker.getNetwork(n.Id).remove(), failures)) removed.networks += 1;
  }
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  for (const v of volumes) {
    if (await attempt(() => docker.getVolume(v.Name).remove(), failures)) removed.volumes += 1;
  }

  if (failures.length > 0) {
    throw new AggregateError(failures, `cleanup of ${TEST_LABEL}=${runId} left objects behind`);
  }
  return removed;
}

/** Runs one removal: true if removed, false if already gone (404); other errors are kept. */
async function attempt(remove: () => Promise<unknown>, failures: unknown[]): Promise<boolean> {
  try {
    await remove();
    return true;
  } catch (err) {
    if ((err as { statusCode?: unknown }).statusCode !== 404) failures.push(err);
    return false;
  }
}
