/** Finds `depends_on` cycles, which would leave every service in them waiting forever. */
import type { Diagnostics } from '../diagnostics.js';

/**
 * Every cycle met by a depth-first walk over `graph` (service → its dependencies) in key order,
 * each as a path that starts and ends with the same service, e.g. `['a', 'b', 'a']`.
 */
export function findDependencyCycles(graph: Readonly<Record<string, readonly string[]>>): string[][] {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    for (const dep of graph[name] ?? []) {
      const s = state.get(dep);
      if (s === 'active') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (s === undefined && Object.hasOwn(graph, dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of Object.keys(graph)) if (!state.has(name)) visit(name);
  return cycles;
}

/** Reports each cycle at the `depends_on` of the service it starts from. */
export function reportDependencyCycles(graph: Readonly<Record<string, readonly string[]>>, diag: Diagnostics): void {
  for (const cycle of findDependencyCycles(graph)) {
    diag.error(['services', cycle[0] as string, 'depends_on'], `dependency cycle ${cycle.join(' → ')}`);
  }
}
