/** Conversions of a service mount: the domain's `type`-tagged union ↔ the wire `mount` oneof. */
import * as w from '../gen/berth/v1/spec.js';
import type { VolumeMountSpec } from '../spec/stack-spec.js';
import { requireMessage, withoutUndefined } from './wire-fields.js';

/** The wire form of a mount. */
export function toProtoVolumeMount(mount: VolumeMountSpec): w.VolumeMountSpec {
  switch (mount.type) {
    case 'bind':
      return {
        mount: {
          $case: 'bind',
          value: {
            source: mount.source,
            target: mount.target,
            readOnly: mount.readOnly,
            createHostPath: mount.createHostPath,
          },
        },
      };
    case 'volume':
      return {
        mount: {
          $case: 'volume',
          value: {
            source: mount.source,
            target: mount.target,
            readOnly: mount.readOnly,
            noCopy: mount.noCopy,
          },
        },
      };
    case 'tmpfs':
      return {
        mount: {
          $case: 'tmpfs',
          value: { target: mount.target, sizeBytes: mount.sizeBytes, mode: mount.mode },
        },
      };
  }
}

/** The domain form of a wire mount; throws when no kind is set. */
export function fromProtoVolumeMount(message: w.VolumeMountSpec, path: string): VolumeMountSpec {
  const mount = requireMessage(message.mount, `${path}.mount`);
  switch (mount.$case) {
    case 'bind': {
      const { source, target, readOnly, createHostPath } = mount.value;
      return { type: 'bind', source, target, readOnly, createHostPath };
    }
    case 'volume': {
      const { source, target, readOnly, noCopy } = mount.value;
      return withoutUndefined<VolumeMountSpec>({ type: 'volume', source, target, readOnly, noCopy });
    }
    case 'tmpfs': {
      const { target, sizeBytes, mode } = mount.value;
      return withoutUndefined<VolumeMountSpec>({ type: 'tmpfs', target, sizeBytes, mode });
    }
  }
}
