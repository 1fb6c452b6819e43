/**
 * `deploy.placement`: constraints like `node.labels.zone == eu` parsed and checked against the
 * fields berth's scheduler knows, spread preferences, and `max_replicas_per_node`.
 */
import type { PlacementConstraint, PlacementSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { failed, parsed, type ParseResult } from './parse-result.js';
import { listOf, mapOf, readInteger } from './raw-values.js';

const FIXED_FIELDS = ['node.id', 'node.hostname', 'node.role', 'node.platform.os', 'node.platform.arch'];
const LABEL_PREFIXES = ['node.labels.', 'engine.labels.'];
const KNOWN = 'node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<key> or engine.labels.<key>';

/**
 * Checks a constraint field. The fixed fields match case-insensitively, as in Swarm, and are
 * returned lower-cased; label keys keep their case.
 */
export function parsePlacementField(text: string): ParseResult<string> {
  const lower = text.toLowerCase();
  if (FIXED_FIELDS.includes(lower)) return parsed(lower);
  const prefix = LABEL_PREFIXES.find((p) => lower.startsWith(p));
  if (prefix && text.length > prefix.length) return parsed(prefix + text.slice(prefix.length));
  return failed(`unknown placement field ${JSON.stringify(text)}: expected ${KNOWN}`);
}

/** Parses `<field> == <value>` or `<field> != <value>`. */
export function parseConstraint(text: string): ParseResult<PlacementConstraint> {
  const m = /^\s*(.*?)\s*(==|!=)\s*(.*?)\s*$/.exec(text);
  if (!m || m[1] === '') {
    return failed(`invalid placement constraint ${JSON.stringify(text)}: expected "<field> == <value>" or "<field> != <value>"`);
  }
  const field = parsePlacementField(m[1] as string);
  if (!field.ok) return field;
  const value = m[3] as string;
  if (value === '') return failed(`invalid placement constraint ${JSON.stringify(text)}: the value is empty`);
  if (/[=!]=/.test(value)) return failed(`invalid placement constraint ${JSON.stringify(text)}: more than one operator`);
  return parsed({ field: field.value, op: m[2] as PlacementConstraint['op'], value });
}

/** Normalizes `deploy.placement`. */
export function normalizePlacement(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): PlacementSpec {
  const m = mapOf(raw) ?? {};
  const constraints: PlacementConstraint[] = [];
  (listOf(m['constraints']) ?? []).forEach((c, i) => {
    if (typeof c !== 'string') return;
    const r = parseConstraint(c);
    if (r.ok) constraints.push(r.value);
    else diag.error([...path, 'constraints', i], r.error);
  });
  const spread: string[] = [];
  (listOf(m['preferences']) ?? []).forEach((p, i) => {
    const descriptor = mapOf(p)?.['spread'];
    if (typeof descriptor !== 'string') return;
    const r = parsePlacementField(descriptor.trim());
    if (r.ok) spread.push(r.value);
    else diag.error([...path, 'preferences', i, 'spread'], r.error);
  });
  return {
    constraints,
    spread,
    maxReplicasPerNode: readInteger(m['max_replicas_per_node'], [...path, 'max_replicas_per_node'], diag) ?? 0,
  };
}
