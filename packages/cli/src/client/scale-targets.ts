/** `berth scale web=3 worker=0`: parses the SERVICE=N operands. */
import { BerthError } from '@berth/api/domain';

/** One service's requested replica count. */
export interface ScaleTarget {
  service: string;
  replicas: number;
}

// A generous bound: a typo like web=30000 should not reach the scheduler as a request.
const MAX_REPLICAS = 10_000;

/** Parses `SERVICE=N` operands; throws a USAGE error naming the first bad one. */
export function parseScaleTargets(operands: readonly string[]): ScaleTarget[] {
  if (operands.length === 0) throw new BerthError('USAGE', 'scale needs at least one SERVICE=N');
  const seen = new Map<string, number>();
  for (const operand of operands) {
    const eq = operand.indexOf('=');
    const service = eq < 0 ? '' : operand.slice(0, eq).trim();
    const count = eq < 0 ? '' : operand.slice(eq + 1).trim();
    if (service === '' || !/^\d+$/.test(count)) {
      throw new BerthError('USAGE', `invalid scale "${operand}": expected SERVICE=N with N a whole number, e.g. web=3`);
    }
    const replicas = Number(count);
    if (replicas > MAX_REPLICAS) throw new BerthError('USAGE', `invalid scale "${operand}": at most ${MAX_REPLICAS} replicas`);
    const before = seen.get(service);
    if (before !== undefined && before !== replicas) {
      throw new BerthError('USAGE', `service "${service}" is scaled twice (${before} and ${replicas})`);
    }
    seen.set(service, replicas);
  }
  return [...seen].map(([service, replicas]) => ({ service, replicas }));
}
