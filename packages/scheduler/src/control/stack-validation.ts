/**
 * What a deploy checks before it writes anything: things the loader normally catches but a
 * spec arriving over the wire may still carry (a client other than the CLI, an older loader),
 * and things only the scheduler can know (a reservation bigger than any node). Every problem
 * is reported at once, so one failed deploy shows everything to fix.
 */
import { BerthError, type NodeInfo, type ServiceSpec, type StackSpec } from '@berth/api';
import { toMilliCpus } from '../placement/placement-request.js';
import { formatBytes } from '../placement/filters/resources.js';

/** One thing wrong with a stack, at a dotted path into the spec. */
export interface StackProblem {
  path: string;
  message: string;
}

// The fields placement understands (see placement/node-fields.ts). node.platform.* is accepted
// as the loader accepts it, though agents do not report a platform yet.
const FIXED_FIELDS = new Set(['node.id', 'node.hostname', 'node.role', 'node.platform.os', 'node.platform.arch']);
const LABEL_PREFIXES = ['node.labels.', 'engine.labels.'];
const KNOWN_FIELDS = 'node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<key> or engine.labels.<key>';

/** Whether placement knows `field` (fixed fields are matched exactly: the loader lower-cases them). */
export function isKnownPlacementField(field: string): boolean {
  return FIXED_FIELDS.has(field) || LABEL_PREFIXES.some((p) => field.startsWith(p) && field.length > p.length);
}

/** Every problem with deploying `spec` onto a cluster of `nodes`; empty when it may be deployed. */
export function stackProblems(spec: StackSpec, nodes: readonly NodeInfo[]): StackProblem[] {
  const problems: StackProblem[] = [];
  if (spec.name === '' || spec.name.includes('/')) {
    problems.push({ path: 'name', message: `invalid stack name ${JSON.stringify(spec.name)}: it must be non-empty and contain no "/"` });
  }
  // Capacity is judged against nodes that are up: a down node's numbers may be stale.
  const ready = nodes.filter((n) => n.state === 'ready');
  for (const [key, service] of Object.entries(spec.services)) {
    const at = `services.${key}`;
    if (service.name !== key) {
      problems.push({ path: `${at}.name`, message: `service name ${JSON.stringify(service.name)} differs from its key ${JSON.stringify(key)}` });
    }
    problems.push(...placementProblems(service, `${at}.deploy.placement`));
    if (ready.length > 0) problems.push(...reservationProblems(service, ready, `${at}.deploy.resources.reservations`));
  }
  return problems;
}

function placementProblems(service: ServiceSpec, at: string): StackProblem[] {
  const problems: StackProblem[] = [];
  service.deploy.placement.constraints.forEach((c, i) => {
    if (!isKnownPlacementField(c.field)) {
      problems.push({ path: `${at}.constraints[${i}]`, message: `unknown placement field ${JSON.stringify(c.field)}: expected ${KNOWN_FIELDS}` });
    }
  });
  service.deploy.placement.spread.forEach((field, i) => {
    if (!isKnownPlacementField(field)) {
      problems.push({ path: `${at}.preferences[${i}].spread`, message: `unknown placement field ${JSON.stringify(field)}: expected ${KNOWN_FIELDS}` });
    }
  });
  return problems;
}

function reservationProblems(service: ServiceSpec, ready: readonly NodeInfo[], at: string): StackProblem[] {
  const problems: StackProblem[] = [];
  const { cpus, memoryBytes } = service.deploy.resources.reservations;
  const wantCpus = toMilliCpus(cpus);
  const maxCpus = ready.reduce((max, n) => Math.max(max, toMilliCpus(n.cpus)), 0);
  if (wantCpus > maxCpus) {
    problems.push({
      path: `${at}.cpus`,
      message: `reserves ${wantCpus / 1000} cpus, more than any ready node has (largest: ${maxCpus / 1000} cpus on ${ready.length} ready ${ready.length === 1 ? 'node' : 'nodes'})`,
    });
  }
  const maxMemory = ready.reduce((max, n) => Math.max(max, n.memoryBytes), 0);
  if (memoryBytes !== undefined && memoryBytes > maxMemory) {
    problems.push({
      path: `${at}.memory`,
      message: `reserves ${formatBytes(memoryBytes)} of memory, more than any ready node has (largest: ${formatBytes(maxMemory)})`,
    });
  }
  return problems;
}

/** The STACK_INVALID error listing every problem (also in `context.problems`). */
export function stackInvalidError(stack: string, problems: readonly StackProblem[]): BerthError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((p) => `\n  - ${p.path}: ${p.message}`).join('');
  return new BerthError('STACK_INVALID', `stack ${JSON.stringify(stack)} cannot be deployed (${count}):${lines}`, {
    context: { stack, problems: problems.map((p) => ({ ...p })) },
  });
}
