/**
 * Service profiles (Compose Specification, Profiles): a service without `profiles` is always
 * enabled, one with profiles only when one of them is active (`*` activates all). Disabled
 * services are removed. A reference from an enabled service to a disabled one does not enable
 * it; Compose reports an error instead — except a `depends_on` entry with `required: false`,
 * which is dropped.
 */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import { MergeTag, isRawMap, type RawMap, type RawValue } from '../raw-model.js';
import { mapInside, newMap, setKey, valueAt } from './raw-access.js';

/** `model` without the services that no active profile enables; bad references are reported. */
export function applyProfiles(model: RawMap, activeProfiles: string[], diag: Diagnostics): RawMap {
  const servicesValue = valueAt(model, 'services');
  const services = mapInside(servicesValue);
  if (!services) return model;
  const active = new Set(activeProfiles);
  const disabled = new Map<string, string[]>();
  for (const name of Object.keys(services)) {
    const profiles = profilesOf(mapInside(services[name]));
    if (profiles.length > 0 && !active.has('*') && !profiles.some((p) => active.has(p))) disabled.set(name, profiles);
  }
  if (disabled.size === 0) return model;

  const kept = newMap();
  for (const name of Object.keys(services)) {
    if (disabled.has(name)) continue;
    const raw = services[name] as RawValue;
    const service = mapInside(raw);
    const checked = service ? checkReferences(name, service, disabled, diag) : service;
    setKey(kept, name, checked === service ? raw : retag(raw, checked as RawMap));
  }
  const out = newMap();
  for (const key of Object.keys(model)) setKey(out, key, key === 'services' ? retag(servicesValue as RawValue, kept) : (model[key] as RawValue));
  return out;
}

function retag(original: RawValue, value: RawMap): RawValue {
  return original instanceof MergeTag ? new MergeTag(original.tag, value) : value;
}

function profilesOf(service: RawMap | undefined): string[] {
  const v = service ? valueAt(service, 'profiles') : undefined;
  const inner = v instanceof MergeTag ? v.value : v;
  if (typeof inner === 'string') return [inner];
  return Array.isArray(inner) ? inner.filter((p): p is string => typeof p === 'string') : [];
}

/** Why a disabled service is off, and how to turn it on. */
function hint(profiles: string[]): string {
  const quoted = profiles.map((p) => `"${p}"`);
  return profiles.length === 1 ? `enable profile ${quoted[0]}` : `enable one of the profiles ${quoted.join(', ')}`;
}

/**
 * Reports references from service `name` to disabled services; returns the service itself, or
 * a copy without optional dependencies on disabled services.
 */
function checkReferences(name: string, service: RawMap, disabled: Map<string, string[]>, diag: Diagnostics): RawMap {
  const base: ModelPath = ['services', name];
  const report = (at: ModelPath, target: string, what: string, atKey = false): void => {
    const profiles = disabled.get(target) as string[];
    diag.error(at, `${what} service "${target}" which is disabled by profiles (${hint(profiles)})`, atKey);
  };

  let result = service;
  const dependsOn = untag(valueAt(service, 'depends_on'));
  if (Array.isArray(dependsOn)) {
    dependsOn.forEach((dep, i) => {
      if (typeof dep === 'string' && disabled.has(dep)) report([...base, 'depends_on', i], dep, 'depends on');
    });
  } else if (isRawMap(dependsOn)) {
    const keptDeps = newMap();
    for (const dep of Object.keys(dependsOn)) {
      const settings = mapInside(dependsOn[dep]);
      if (disabled.has(dep)) {
        // An optional dependency on a service that is not running is simply not waited for.
        if (settings && untag(valueAt(settings, 'required')) === false) continue;
        report([...base, 'depends_on', dep], dep, 'depends on', true);
      }
      setKey(keptDeps, dep, dependsOn[dep] as RawValue);
    }
    if (Object.keys(keptDeps).length !== Object.keys(dependsOn).length) {
      result = newMap();
      for (const key of Object.keys(service)) {
        setKey(result, key, key === 'depends_on' ? retag(valueAt(service, key) as RawValue, keptDeps) : (service[key] as RawValue));
      }
    }
  }

  const links = untag(valueAt(service, 'links'));
  if (Array.isArray(links)) {
    links.forEach((link, i) => {
      const target = typeof link === 'string' ? (link.split(':')[0] as string) : undefined;
      if (target !== undefined && disabled.has(target)) report([...base, 'links', i], target, 'links to');
    });
  }
  const volumesFrom = untag(valueAt(service, 'volumes_from'));
  if (Array.isArray(volumesFrom)) {
    volumesFrom.forEach((entry, i) => {
      // `container:name` names a container outside the stack; anything else is `service[:mode]`.
      if (typeof entry !== 'string' || entry.startsWith('container:')) return;
      const target = entry.split(':')[0] as string;
      if (disabled.has(target)) report([...base, 'volumes_from', i], target, 'mounts volumes from');
    });
  }
  for (const key of ['network_mode', 'ipc', 'pid']) {
    const mode = untag(valueAt(service, key));
    if (typeof mode === 'string' && mode.startsWith('service:') && disabled.has(mode.slice('service:'.length))) {
      report([...base, key], mode.slice('service:'.length), `${key} refers to`);
    }
  }
  return result;
}

function untag(v: RawValue | undefined): RawValue | undefined {
  return v instanceof MergeTag ? v.value : v;
}

