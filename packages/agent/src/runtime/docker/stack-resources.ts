/**
 * The per-stack networks and named volumes a task needs, created on first use and reused
 * after. Replicas of one stack prepare concurrently, so creation of each object is shared by
 * whoever asks while it is under way; the engine's 409 covers a racing second agent, mostly:
 * engines before API 1.44 check names best-effort, so two agents sharing an engine can create
 * the same network twice at once, after which nothing can use it by name ("ambiguous").
 * Whoever sees such twins settles them (settleDuplicateNetworks): the one in use, else the
 * lowest id, stays; the idle others go. Every agent applies the same rule, so they agree.
 */
import type Docker from 'dockerode';
import { BerthError, type NetworkSpec, type VolumeSpec } from '@berth/api';
import type { TaskDescriptor } from '../runtime.js';
import { engineVolumeName } from './container-mounts.js';
import { engineNetworkName } from './container-spec.js';
import { engineStatus, toBerthError } from './docker-errors.js';
import { isAmbiguousNetwork, settleDuplicateNetworks } from './duplicate-networks.js';
import { BERTH_LABELS } from './engine-names.js';

/** Creates (or finds) the networks and volumes of tasks, one engine object at a time. */
export class StackResources {
  private readonly inFlight = new Map<string, Promise<void>>();

  /** Uses `docker`; `where` names the engine in error messages. */
  constructor(
    private readonly docker: Docker,
    private readonly where: string,
  ) {}

  /** Makes sure every network and named volume the task uses exists. */
  async ensureFor(task: TaskDescriptor): Promise<void> {
    const { ref, spec } = task;
    const work: Promise<void>[] = [];
    for (const key of Object.keys(spec.networks)) {
      const name = engineNetworkName(key, ref.stack, task.networks);
      work.push(this.once(`network:${name}`, () => this.ensureNetwork(name, key, ref.stack, task.networks[key])));
    }
    for (const mount of spec.volumes) {
      if (mount.type !== 'volume' || mount.source === undefined) continue;
      const key = mount.source;
      const name = engineVolumeName(key, { stack: ref.stack, volumes: task.volumes });
      work.push(this.once(`volume:${name}`, () => this.ensureVolume(name, key, ref.stack, task.volumes[key])));
    }
    // Settle all before failing, so no creation is left running unobserved.
    const results = await Promise.allSettled(work);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async ensureNetwork(name: string, key: string, stack: string, spec: NetworkSpec | undefined): Promise<void> {
    const network = this.docker.getNetwork(name);
    let found: boolean;
    try {
      found = await this.exists(() => network.inspect(), `looking up network "${name}"`);
    } catch (err) {
      if (!isAmbiguousNetwork(err)) throw err;
      await settleDuplicateNetworks(this.docker, name, stack, this.where);
      return;
    }
    if (found) return;
    if (spec?.external) {
      throw new BerthError('NOT_FOUND', `network "${name}" is declared external but does not exist on this node`, { context: { network: name } });
    }
    try {
      await this.docker.createNetwork({
        Name: name,
        // Without it, engines before API 1.44 happily create a second network of the same name.
        CheckDuplicate: true,
        Driver: spec?.driver ?? 'bridge',
        Internal: spec?.internal ?? false,
        Attachable: spec?.attachable ?? false,
        EnableIPv6: spec?.enableIpv6 ?? false,
        Options: { ...spec?.driverOpts },
        Labels: { ...spec?.labels, [BERTH_LABELS.stack]: stack, [BERTH_LABELS.network]: key },
      });
    } catch (err) {
      if (engineStatus(err) === 409) return;
      throw toBerthError(err, `creating network "${name}"`, this.where);
    }
    // Another agent may have created the same name in the same instant (see the module comment).
    await settleDuplicateNetworks(this.docker, name, stack, this.where);
  }

  private async ensureVolume(name: string, key: string, stack: string, spec: VolumeSpec | undefined): Promise<void> {
    const volume = this.docker.getVolume(name);
    if (await this.exists(() => volume.inspect(), `looking up volume "${name}"`)) return;
    if (spec?.external) {
      throw new BerthError('NOT_FOUND', `volume "${name}" is declared external but does not exist on this node`, { context: { volume: name } });
    }
    try {
      await this.docker.createVolume({
        Name: name,
        Driver: spec?.driver ?? 'local',
        DriverOpts: { ...spec?.driverOpts },
        Labels: { ...spec?.labels, [BERTH_LABELS.stack]: stack, [BERTH_LABELS.volume]: key },
      });
    } catch (err) {
      throw toBerthError(err, `creating volume "${name}"`, this.where);
    }
  }

  /** True when the lookup finds the object, false on 404. */
  private async exists(inspect: () => Promise<unknown>, doing: string): Promise<boolean> {
    try {
      await inspect();
      return true;
    } catch (err) {
      if (engineStatus(err) === 404) return false;
      throw toBerthError(err, doing, this.where);
    }
  }

  /** Runs `work` unless the same key is already under way, in which case joins it. */
  private once(key: string, work: () => Promise<void>): Promise<void> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
