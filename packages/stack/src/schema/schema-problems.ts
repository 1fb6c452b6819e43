/**
 * Turns ajv's raw error list into problems a user can act on: one per bad value, located by
 * ModelPath, worded by error-message.ts. Unknown keys get a "did you mean" when a known key
 * is close. `anyOf`/`oneOf` failures, which ajv reports once per branch plus once overall,
 * are collapsed to the branch the value was evidently meant for, or to one summary message.
 */
import type { ErrorObject } from 'ajv';
import { pathToString, type ModelPath } from '../diagnostics.js';
import { messageFor, expectedText, describeValue } from './error-message.js';
import { pointerToModelPath, schemaAt, valueAt } from './json-pointer.js';
import type { Shape } from './schema-shapes.js';
import { suggestKey } from './suggest-key.js';

/** One problem found by the schema; `atKey` points at the mapping key instead of its value. */
export interface SchemaProblem {
  path: ModelPath;
  message: string;
  atKey: boolean;
}

/**
 * The schema node holding the keyword an error is about (`.../properties/x/type` → x's node).
 * A plain walk from the root works because berth's schema has no `$ref` (a test checks it).
 */
function nodeOf(e: ErrorObject, schema: Shape): Shape {
  const node = schemaAt(schema, e.schemaPath, 1);
  return typeof node === 'object' && node !== null ? (node as Shape) : {};
}

function jsonTypeAccepts(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}

function branchAccepts(branch: Shape, value: unknown): boolean {
  const t: unknown = branch.type;
  if (t === undefined) return true;
  const types = Array.isArray(t) ? t : [t];
  return types.some((x) => typeof x === 'string' && jsonTypeAccepts(x, value));
}

/**
 * Drops the noise of failed alternatives. When the value is a list or mapping and exactly one
 * branch takes that type, the value was meant for that branch, so its errors are kept (they
 * say what is wrong inside); otherwise only the overall error is kept, worded from `expected`.
 */
export function collapseAlternatives(errors: readonly ErrorObject[], schema: Shape, model: unknown): ErrorObject[] {
  const live = new Set(errors);
  const alternatives = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const alt of alternatives) {
    if (!live.has(alt)) continue;
    const prefix = `${alt.schemaPath}/`;
    const inside = [...live].filter((e) => e.schemaPath.startsWith(prefix));
    const branches = (schemaAt(schema, alt.schemaPath) ?? []) as Shape[];
    const value = valueAt(model, pointerToModelPath(alt.instancePath, model));
    const fitting = branches.flatMap((b, i) => (branchAccepts(b, value) ? [i] : []));
    const chosen = fitting.length === 1 && typeof value === 'object' && value !== null ? fitting[0] : undefined;
    const keep = chosen === undefined ? [] : inside.filter((e) => e.schemaPath.startsWith(`${prefix}${chosen}/`));
    for (const e of inside) if (!keep.includes(e)) live.delete(e);
    if (keep.length > 0) live.delete(alt);
  }
  return errors.filter((e) => live.has(e));
}

const NAME_RULE = 'only letters, digits, ".", "_" and "-" are allowed';

function unknownKeyProblem(e: ErrorObject, node: Shape, parent: ModelPath): SchemaProblem {
  const key = String((e.params as { additionalProperty?: unknown }).additionalProperty);
  const path = [...parent, key];
  const known = Object.keys((node.properties ?? {}) as Record<string, unknown>);
  if (known.length === 0 && typeof node.keyKind === 'string') {
    return { path, message: `invalid ${node.keyKind} "${key}": ${NAME_RULE}`, atKey: true };
  }
  const suggestion = suggestKey(key, known);
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  return { path, message: `unknown key "${key}"${hint}`, atKey: true };
}

function problemFor(e: ErrorObject, schema: Shape, model: unknown): SchemaProblem {
  const path = pointerToModelPath(e.instancePath, model);
  const node = nodeOf(e, schema);
  if (e.keyword === 'additionalProperties') return unknownKeyProblem(e, node, path);
  if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
    const message = `must be ${expectedText(node)} (got ${describeValue(valueAt(model, path))})`;
    return { path, message, atKey: false };
  }
  const message = messageFor(e, node, valueAt(model, path));
  // A missing key is best shown at the mapping's own key.
  return { path, message, atKey: e.keyword === 'required' };
}

/** One problem per distinct (path, message) among ajv's errors for `model`. */
export function problemsFrom(errors: readonly ErrorObject[], schema: Shape, model: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of collapseAlternatives(errors, schema, model)) {
    const problem = problemFor(e, schema, model);
    const id = `${pathToString(problem.path)}\n${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(problem);
  }
  return out;
}
