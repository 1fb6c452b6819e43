/**
 * `depends_on`: a list of service names (started, required, no restart) or the long mapping
 * `{condition, required, restart}`. Dependencies on services that do not exist are dropped:
 * an error, or a warning when `required: false` says the dependency is optional.
 */
import type { DependencyCondition, DependencySpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { listOf, mapOf, readBoolean, readChoice, setOwn } from './raw-values.js';

const CONDITIONS: readonly DependencyCondition[] = ['service_started', 'service_healthy', 'service_completed_successfully'];

/** Which services exist, to check references against. */
export interface DependencyScope {
  service: string;
  services: ReadonlySet<string>;
}

/** Normalizes `depends_on` of the service at `servicePath`. */
export function normalizeDependsOn(
  raw: RawValue | undefined,
  servicePath: ModelPath,
  scope: DependencyScope,
  diag: Diagnostics,
): Record<string, DependencySpec> {
  const path = [...servicePath, 'depends_on'];
  const out: Record<string, DependencySpec> = {};
  const add = (name: string, spec: DependencySpec, at: ModelPath): void => {
    if (scope.services.has(name)) {
      setOwn(out, name, spec);
      return;
    }
    const message = `depends on undefined service ${JSON.stringify(name)}`;
    if (spec.required) diag.error(at, message);
    else diag.warn(at, `${message} (ignored: the dependency is not required)`);
  };
  const list = listOf(raw);
  if (list) {
    list.forEach((name, i) => {
      if (typeof name === 'string') add(name, { condition: 'service_started', restart: false, required: true }, [...path, i]);
    });
    return out;
  }
  for (const [name, value] of Object.entries(mapOf(raw) ?? {})) {
    const at = [...path, name];
    const m = mapOf(value) ?? {};
    const condition = readChoice(m['condition'], CONDITIONS, [...at, 'condition'], diag, 'dependency condition') ?? 'service_started';
    const restart = readBoolean(m['restart'], [...at, 'restart'], diag) ?? false;
    const required = readBoolean(m['required'], [...at, 'required'], diag) ?? true;
    add(name, { condition, restart, required }, at);
  }
  return out;
}
