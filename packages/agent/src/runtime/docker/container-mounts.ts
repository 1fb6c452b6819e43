/**
 * A service's mounts → the engine's `Binds` and `Mounts`. Pure.
 *
 * A bind with `create_host_path` (the short syntax default) goes into `Binds`, because that
 * legacy field is the one where the engine creates a missing host directory, as Compose does;
 * every other mount uses `Mounts`, where a missing bind source is an error, which is exactly
 * what `create_host_path: false` asks for.
 */
import { isAbsolute, resolve } from 'node:path';
import type Docker from 'dockerode';
import type { VolumeMountSpec, VolumeSpec } from '@berth/api';
import { stackScopedName } from './engine-names.js';

/** What the create call needs for mounts. */
export interface EngineMounts {
  binds: string[];
  mounts: Docker.MountSettings[];
}

/** Where relative paths and volume keys resolve: the task's project and stack volumes. */
export interface MountScope {
  stack: string;
  projectDir: string;
  volumes: Readonly<Record<string, VolumeSpec>>;
}

/** Maps every mount of a service; the order of the stack file is kept within each list. */
export function engineMounts(specs: readonly VolumeMountSpec[], scope: MountScope): EngineMounts {
  const binds: string[] = [];
  const mounts: Docker.MountSettings[] = [];
  for (const spec of specs) {
    switch (spec.type) {
      case 'bind': {
        const source = isAbsolute(spec.source) ? spec.source : resolve(scope.projectDir, spec.source);
        // `Binds` splits on ':', so paths holding one can only go through `Mounts`.
        if (spec.createHostPath && !source.includes(':') && !spec.target.includes(':')) {
          binds.push(`${source}:${spec.target}${spec.readOnly ? ':ro' : ''}`);
        } else {
          mounts.push({ Type: 'bind', Source: source, Target: spec.target, ReadOnly: spec.readOnly });
        }
        break;
      }
      case 'volume': {
        // No source is an anonymous volume: the engine makes one per container.
        const source = spec.source === undefined ? '' : engineVolumeName(spec.source, scope);
        const mount: Docker.MountSettings = { Type: 'volume', Source: source, Target: spec.target, ReadOnly: spec.readOnly };
        // @types/dockerode marks every VolumeOptions field required; the engine needs none.
        if (spec.noCopy) mount.VolumeOptions = { NoCopy: true } as Docker.MountSettings['VolumeOptions'];
        mounts.push(mount);
        break;
      }
      case 'tmpfs': {
        // Zero means "engine default" (no size limit, mode 1777) for both fields.
        const TmpfsOptions = { SizeBytes: spec.sizeBytes ?? 0, Mode: spec.mode ?? 0 };
        const mount: Docker.MountSettings = { Type: 'tmpfs', Source: '', Target: spec.target, ReadOnly: false };
        if (spec.sizeBytes !== undefined || spec.mode !== undefined) mount.TmpfsOptions = TmpfsOptions;
        mounts.push(mount);
        break;
      }
    }
  }
  return { binds, mounts };
}

/** The engine name of the stack volume `key`: its own `name`, else `<stack>_<key>`. */
export function engineVolumeName(key: string, scope: Pick<MountScope, 'stack' | 'volumes'>): string {
  return scope.volumes[key]?.name ?? stackScopedName(scope.stack, key);
}
