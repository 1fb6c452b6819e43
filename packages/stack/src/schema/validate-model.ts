/**
 * Schema validation of the merged, interpolated model: type errors, unknown keys and bad
 * values reported once each, with the interpolated numeric/boolean strings coerced.
 */
import type { ValidateFunction } from 'ajv';
import type { Diagnostics } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { compileBerthSchema } from './berth-ajv.js';
import { BERTH_SCHEMA } from './berth-schema.js';
import { problemsFrom, type SchemaProblem } from './schema-problems.js';

let compiled: ValidateFunction | undefined;

// Compiled on first use, once per process (tens of milliseconds).
function berthValidator(): ValidateFunction {
  compiled ??= compileBerthSchema(BERTH_SCHEMA);
  return compiled;
}

/** A validated model (a coerced copy) and what is wrong with it. */
export interface CheckedModel {
  model: RawMap;
  problems: SchemaProblem[];
}

/**
 * Validates `model` (after merging: no `!reset`/`!override` tags left) without touching it:
 * the returned model is a copy with "3"/"true" coerced where numbers/booleans belong.
 */
export function checkModel(model: RawMap): CheckedModel {
  const copy = structuredClone(model);
  const validate = berthValidator();
  if (validate(copy)) return { model: copy, problems: [] };
  return { model: copy, problems: problemsFrom(validate.errors ?? [], BERTH_SCHEMA, copy) };
}

/** Validates `model`, reports each problem once through `diag`, returns the coerced copy. */
export function validateModel(model: RawMap, diag: Diagnostics): RawMap {
  const { model: checked, problems } = checkModel(model);
  for (const p of problems) diag.error(p.path, p.message, p.atKey);
  return checked;
}
