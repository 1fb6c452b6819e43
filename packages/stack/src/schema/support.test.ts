import { describe, expect, it } from 'vitest';
import { BERTH_SCHEMA } from './berth-schema.js';
import { EXTENSION_PATTERN, type Shape } from './schema-shapes.js';
import { isIgnoredValue, keyPathSegments, STACK_FILE_KEYS, type KeySupport } from './support.js';

const byPath = new Map(STACK_FILE_KEYS.map((row) => [row.path, row]));

function isShape(v: unknown): v is Shape {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every key path the schema defines below the file and below supported keys: mappings'
 * properties, `*` for name maps, `[]` for list items (the table's own notation).
 */
function schemaKeyPaths(): Set<string> {
  const out = new Set<string>();
  const keys = (node: Shape, prefix: string): void => {
    for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Shape>)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      out.add(path);
      if (byPath.get(path)?.status === 'supported') below(child, path);
    }
  };
  const below = (node: Shape, path: string): void => {
    keys(node, path);
    for (const [pattern, child] of Object.entries((node.patternProperties ?? {}) as Record<string, Shape>)) {
      if (pattern !== EXTENSION_PATTERN) keys(child, `${path}.*`);
    }
    if (isShape(node.additionalProperties)) keys(node.additionalProperties, `${path}.*`);
    if (isShape(node.items)) below(node.items, `${path}[]`);
  };
  keys(BERTH_SCHEMA, '');
  return out;
}

function parentOf(path: string): string {
  const segs = keyPathSegments(path);
  segs.pop();
  while (segs.length > 0 && (segs[segs.length - 1] === '*' || segs[segs.length - 1] === '[]')) segs.pop();
  return segs.join('.').replace(/\.\[\]/g, '[]');
}

describe('the support table', () => {
  it('lists exactly the keys the schema defines, below supported keys only', () => {
    const fromSchema = [...schemaKeyPaths()].sort();
    const fromTable = STACK_FILE_KEYS.map((r) => r.path).filter((p) => p !== 'x-*').sort();
    expect(fromSchema.length).toBeGreaterThan(250);
    expect(fromTable).toEqual(fromSchema);
  });

  it('has one row per path, each with a note', () => {
    expect(byPath.size).toBe(STACK_FILE_KEYS.length);
    for (const row of STACK_FILE_KEYS) expect(row.note, row.path).toMatch(/^\S.*\.$/);
  });

  it('puts every nested row under a supported row', () => {
    const orphans = STACK_FILE_KEYS.map((r) => r.path)
      .filter((p) => parentOf(p) !== '')
      .filter((p) => byPath.get(parentOf(p))?.status !== 'supported');
    expect(orphans).toEqual([]);
  });

  it('says what the brief asks of the main keys', () => {
    const status = (p: string): KeySupport['status'] | undefined => byPath.get(p)?.status;
    for (const key of ['image', 'build', 'ports', 'volumes', 'deploy', 'healthcheck', 'x-berth', 'extends', 'scale']) {
      expect(status(`services.*.${key}`), key).toBe('supported');
    }
    for (const key of ['privileged', 'cap_add', 'devices', 'logging', 'develop', 'provider', 'models', 'post_start', 'pre_stop', 'pre_start', 'sysctls', 'ulimits', 'container_name', 'hostname']) {
      expect(status(`services.*.${key}`), key).toBe('ignored');
    }
    expect(status('version')).toBe('obsolete');
  });

  it('matches ignored values exactly or by a trailing-* prefix', () => {
    const pull = byPath.get('services.*.pull_policy');
    expect(pull).toBeDefined();
    if (!pull) return;
    expect(['daily', 'every_1h', 'refresh'].map((v) => isIgnoredValue(pull, v))).toEqual([true, true, true]);
    expect(['always', 'every', 'dailyx'].map((v) => isIgnoredValue(pull, v))).toEqual([false, false, false]);
  });

  it('splits paths into segments', () => {
    expect(keyPathSegments('services.*.ports[].target')).toEqual(['services', '*', 'ports', '[]', 'target']);
    expect(parentOf('services.*.deploy.placement.preferences[].spread')).toBe('services.*.deploy.placement.preferences');
  });
});
