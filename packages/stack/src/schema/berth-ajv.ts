/**
 * The ajv instance berth's schema is compiled with, and berth's three schema annotations:
 *
 * - `coerce: 'integer' | 'number' | 'boolean'`: interpolation turns `${N}` into a string, so
 *   where Compose expects a number or boolean a string like "3" or "true" is accepted and
 *   replaced by 3 or true. ajv's own `coerceTypes` is not used because it also turns numbers
 *   into strings and null into "" or 0 everywhere, which would hide real type errors and
 *   corrupt null environment values.
 * - `expected`: how error messages name the allowed shapes of a node.
 * - `keyKind`: what the keys of a name map are (`service name`...), for key errors.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { Shape } from './schema-shapes.js';

/** What a `coerce` annotation turns strings into. */
export type CoerceTarget = 'integer' | 'number' | 'boolean';

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
// The spellings compose-go accepts when it casts interpolated booleans (YAML 1.1 booleans).
const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off']);

/** Reads an interpolated string as `target`; undefined when it is not one. */
export function coerceString(target: CoerceTarget, text: string): number | boolean | undefined {
  if (target === 'boolean') {
    const word = text.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return undefined;
  }
  if (!(target === 'integer' ? INTEGER : NUMBER).test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function isCoerceTarget(v: unknown): v is CoerceTarget {
  return v === 'integer' || v === 'number' || v === 'boolean';
}

/** Where ajv says the current value sits, so a keyword can replace it. */
interface ValueSlot {
  parentData: unknown;
  parentDataProperty: string | number;
}

// Runs after the `type` check (which allows strings on coerced nodes) and before the
// number/string keywords, so `minimum` sees the coerced number.
function coerceKeyword(target: unknown, data: unknown, _schema?: unknown, cxt?: ValueSlot): boolean {
  if (typeof data !== 'string' || !isCoerceTarget(target)) return true;
  const value = coerceString(target, data);
  if (value === undefined) return false;
  if (cxt) (cxt.parentData as Record<string | number, unknown>)[cxt.parentDataProperty] = value;
  return true;
}

/** A new ajv instance that knows berth's annotations, set up for readable error reports. */
export function createBerthAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    // Messages are berth's own (error-message.ts), built from the model and the schema node
    // an error's schemaPath leads to; leaving out ajv's texts, the verbose data and code
    // optimization keeps compiling near 50 ms instead of 200+.
    messages: false,
    verbose: false,
    code: { optimize: false },
    allowUnionTypes: true,
    // `x-berth` is both a named property and matched by the `^x-` extension pattern.
    allowMatchingProperties: true,
    // berth's schema is checked by its own tests; skipping the meta-schema saves compile time.
    validateSchema: false,
    // The healthcheck test tuple (first item CMD/CMD-SHELL/NONE, then any strings) is open-ended.
    strictTuples: false,
  });
  ajv.addKeyword({ keyword: 'expected', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'keyKind', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'coerce', schemaType: 'string', modifying: true, validate: coerceKeyword });
  return ajv;
}

/** Compiles `schema` with berth's ajv setup. */
export function compileBerthSchema(schema: Shape): ValidateFunction {
  return createBerthAjv().compile(schema);
}
