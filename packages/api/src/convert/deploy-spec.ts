/** Conversions of a service's `deploy:` section (placement, resources, update/rollback config). */
import * as w from '../gen/berth/v1/spec.js';
import type {
  DeploySpec,
  PlacementConstraint,
  ResourceAmounts,
  UpdateConfigSpec,
} from '../spec/stack-spec.js';
import { enumMapping, requireMessage, withoutUndefined } from './wire-fields.js';

/** `deploy.mode` ↔ wire DeployMode. */
export const deployModeMapping = enumMapping<DeploySpec['mode'], w.DeployMode>('DeployMode', {
  replicated: w.DeployMode.REPLICATED,
  global: w.DeployMode.GLOBAL,
});

const constraintOp = enumMapping<PlacementConstraint['op'], w.ConstraintOp>('ConstraintOp', {
  '==': w.ConstraintOp.EQ,
  '!=': w.ConstraintOp.NE,
});

const failureAction = enumMapping<UpdateConfigSpec['failureAction'], w.FailureAction>(
  'FailureAction',
  {
    continue: w.FailureAction.CONTINUE,
    rollback: w.FailureAction.ROLLBACK,
    pause: w.FailureAction.PAUSE,
  },
);

const updateOrder = enumMapping<UpdateConfigSpec['order'], w.UpdateOrder>('UpdateOrder', {
  'stop-first': w.UpdateOrder.STOP_FIRST,
  'start-first': w.UpdateOrder.START_FIRST,
});

/** The wire form of a `deploy:` section. */
export function toProtoDeploySpec(deploy: DeploySpec): w.DeploySpec {
  return {
    mode: deployModeMapping.toWire(deploy.mode),
    replicas: deploy.replicas,
    placement: {
      constraints: deploy.placement.constraints.map((c) => ({
        field: c.field,
        op: constraintOp.toWire(c.op),
        value: c.value,
      })),
      spread: [...deploy.placement.spread],
      maxReplicasPerNode: deploy.placement.maxReplicasPerNode,
    },
    resources: {
      limits: toProtoAmounts(deploy.resources.limits),
      reservations: toProtoAmounts(deploy.resources.reservations),
    },
    updateConfig: deploy.updateConfig && toProtoUpdateConfig(deploy.updateConfig),
    rollbackConfig: deploy.rollbackConfig && toProtoUpdateConfig(deploy.rollbackConfig),
    labels: { ...deploy.labels },
  };
}

/** The domain form of a wire `deploy:` section; throws on missing parts or unknown enums. */
export function fromProtoDeploySpec(message: w.DeploySpec, path: string): DeploySpec {
  const placement = requireMessage(message.placement, `${path}.placement`);
  const resources = requireMessage(message.resources, `${path}.resources`);
  return withoutUndefined<DeploySpec>({
    mode: deployModeMapping.fromWire(message.mode, `${path}.mode`),
    replicas: message.replicas,
    placement: {
      constraints: placement.constraints.map((c, i) => ({
        field: c.field,
        op: constraintOp.fromWire(c.op, `${path}.placement.constraints[${i}].op`),
        value: c.value,
      })),
      spread: [...placement.spread],
      maxReplicasPerNode: placement.maxReplicasPerNode,
    },
    resources: {
      limits: fromProtoAmounts(requireMessage(resources.limits, `${path}.resources.limits`)),
      reservations: fromProtoAmounts(
        requireMessage(resources.reservations, `${path}.resources.reservations`),
      ),
    },
    updateConfig:
      message.updateConfig &&
      fromProtoUpdateConfig(message.updateConfig, `${path}.updateConfig`),
    rollbackConfig:
      message.rollbackConfig &&
      fromProtoUpdateConfig(message.rollbackConfig, `${path}.rollbackConfig`),
    labels: { ...message.labels },
  });
}

function toProtoAmounts(amounts: ResourceAmounts): w.ResourceAmounts {
  return { cpus: amounts.cpus, memoryBytes: amounts.memoryBytes, pids: amounts.pids };
}

function fromProtoAmounts(message: w.ResourceAmounts): ResourceAmounts {
  return withoutUndefined<ResourceAmounts>({
    cpus: message.cpus,
    memoryBytes: message.memoryBytes,
    pids: message.pids,
  });
}

function toProtoUpdateConfig(config: UpdateConfigSpec): w.UpdateConfigSpec {
  return {
    parallelism: config.parallelism,
    delayMs: config.delayMs,
    failureAction: failureAction.toWire(config.failureAction),
    monitorMs: config.monitorMs,
    maxFailureRatio: config.maxFailureRatio,
    order: updateOrder.toWire(config.order),
  };
}

function fromProtoUpdateConfig(message: w.UpdateConfigSpec, path: string): UpdateConfigSpec {
  return {
    parallelism: message.parallelism,
    delayMs: message.delayMs,
    failureAction: failureAction.fromWire(message.failureAction, `${path}.failureAction`),
    monitorMs: message.monitorMs,
    maxFailureRatio: message.maxFailureRatio,
    order: updateOrder.fromWire(message.order, `${path}.order`),
  };
}
