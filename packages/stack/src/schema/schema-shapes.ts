/**
 * Building blocks of berth's stack-file schema: the value shapes Compose uses again and again
 * (durations, sizes, list-or-mapping...), written once so every key that uses them follows
 * the same rules. Three berth annotations appear here (defined in `berth-ajv.ts`):
 * `coerce` (turn an interpolated "3"/"true" into 3/true), `expected` (how error messages name
 * the allowed shapes) and `keyKind` (what the keys of a name map are, for key errors).
 *
 * Alternatives are written as one schema with a type union (`type: ['string', 'object']` plus
 * keywords that only apply to one of the types) instead of `anyOf`, so ajv reports one error
 * per bad value instead of one per branch.
 */
import type { SchemaObject } from 'ajv';

/** A JSON Schema node with berth's annotations. */
export type Shape = SchemaObject;

/** Names of services, volumes, secrets... (Compose's rule). */
export const NAME_PATTERN = '^[a-zA-Z0-9._-]+$';

/** Extension keys (`x-...`), allowed wherever Compose allows them. */
export const EXTENSION_PATTERN = '^x-';

/**
 * Compose durations: `10s`, `1m30s`, `1.5h`, `100ms`, `0`; compose-go also takes days and
 * weeks (`2d`, `1w`). A bare number other than 0 has no unit and is rejected, as in Compose.
 */
export const DURATION_PATTERN =
  '^\\+?(?:0|(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h|d|w))+)$';

/** Byte sizes as Docker reads them: `1024`, `512m`, `1.5G`, `2gb`, `1GiB`. */
export const SIZE_PATTERN = '^\\d+(?:\\.\\d+)? ?(?:[kKmMgGtTpP][iI]?)?[bB]?$';

const PORT_OR_RANGE = '\\d{1,5}(?:-\\d{1,5})?';
const PROTOCOL = '(?:/(?:tcp|udp|sctp|TCP|UDP|SCTP))?';
// A host IP is an IPv4 address, a bracketed IPv6 address or a bare one (Docker splits the
// bare form at its last two colons, which the lazy match reproduces).
const HOST_IP = '(?:\\[[0-9A-Fa-f:.]+(?:%[\\w.-]+)?\\]|[0-9A-Fa-f:.]*?)';

/** Short port syntax: `[[host_ip:][host_port]:]container_port[/protocol]`, ports may be ranges. */
export const PORT_PATTERN = `^(?:(?:${HOST_IP}:)?(?:${PORT_OR_RANGE})?:)?${PORT_OR_RANGE}${PROTOCOL}$`;

/** `expose` entries: `port[-port][/protocol]`. */
export const EXPOSE_PATTERN = `^${PORT_OR_RANGE}${PROTOCOL}$`;

/** A string. */
export function str(extra: Shape = {}): Shape {
  return { type: 'string', ...extra };
}

/** A string from a fixed set. */
export function oneOf(values: readonly string[]): Shape {
  return { type: 'string', enum: [...values] };
}

/** An integer; a numeric string (from interpolation) is accepted and coerced. */
export function int(limits: { minimum?: number; maximum?: number } = {}): Shape {
  return { type: ['integer', 'string'], coerce: 'integer', ...limits };
}

/** A number; a numeric string is accepted and coerced. */
export function num(limits: { minimum?: number; maximum?: number } = {}): Shape {
  return { type: ['number', 'string'], coerce: 'number', ...limits };
}

/** A boolean; "true"/"false" (and YAML 1.1 spellings like "yes") are accepted and coerced. */
export function bool(): Shape {
  return { type: ['boolean', 'string'], coerce: 'boolean' };
}

/** A Compose duration string such as `30s` or `1m30s`. */
export function duration(): Shape {
  return { type: 'string', pattern: DURATION_PATTERN, expected: 'a duration like "30s" or "1m30s"' };
}

/** A byte size: a number of bytes or a string like `512m`. */
export function size(): Shape {
  return {
    type: ['number', 'string'],
    minimum: 0,
    pattern: SIZE_PATTERN,
    expected: 'a number of bytes or a size like "512m" or "1.5g"',
  };
}

/** A list of strings (unique unless told otherwise, as Compose requires for most lists). */
export function listOfStrings(unique = true): Shape {
  return { type: 'array', items: { type: 'string' }, ...(unique ? { uniqueItems: true } : {}) };
}

/** One string or a list of them. */
export function stringOrList(): Shape {
  return {
    type: ['string', 'array'],
    items: { type: 'string' },
    uniqueItems: true,
    expected: 'a string or a list of strings',
  };
}

/** Compose's list-or-dict: `{KEY: value}` (value may be null) or `["KEY=value"]`. */
export function listOrDict(): Shape {
  return {
    type: ['object', 'array'],
    additionalProperties: {
      type: ['string', 'number', 'boolean', 'null'],
      expected: 'a string, a number, a boolean or null',
    },
    items: { type: 'string' },
    uniqueItems: true,
    expected: 'a mapping or a list of "KEY=value" strings',
  };
}

/** A command: null (image default), a string (split like a shell) or a list of arguments. */
export function command(): Shape {
  return {
    type: ['null', 'string', 'array'],
    items: { type: 'string' },
    expected: 'a string or a list of strings',
  };
}

/** Compose's secret/config references: names or `{source, target, uid, gid, mode}`. */
export function fileRefs(): Shape {
  return {
    type: 'array',
    items: {
      type: ['string', 'object'],
      properties: {
        source: str(),
        target: str(),
        uid: str(),
        gid: str(),
        mode: {
          type: ['integer', 'string'],
          minimum: 0,
          pattern: '^(?:0[oO])?[0-7]+$',
          expected: 'a file mode like 0440',
        },
      },
      additionalProperties: false,
      patternProperties: { [EXTENSION_PATTERN]: {} },
      expected: 'a name or a mapping with "source"',
    },
  };
}

/** Mapping of option names to strings or numbers (`driver_opts`). */
export function optionMap(valueTypes: readonly string[] = ['string', 'number']): Shape {
  return { type: 'object', additionalProperties: { type: [...valueTypes] } };
}

/** Options of `mapping`. */
export interface MappingOptions {
  required?: readonly string[];
  /** Whether `x-` keys are allowed (Compose allows them in most mappings). */
  extensions?: boolean;
}

/** A mapping with exactly these keys (plus `x-` keys unless `extensions` is false). */
export function mapping(properties: Record<string, Shape>, opts: MappingOptions = {}): Shape {
  const { required, extensions = true } = opts;
  return {
    type: 'object',
    properties,
    additionalProperties: false,
    ...(extensions ? { patternProperties: { [EXTENSION_PATTERN]: {} } } : {}),
    ...(required && required.length > 0 ? { required: [...required] } : {}),
  };
}

/** A mapping keyed by user-chosen names (services, networks...), each entry shaped by `entry`. */
export function nameMap(entry: Shape, keyKind: string): Shape {
  return {
    type: 'object',
    patternProperties: { [NAME_PATTERN]: entry },
    additionalProperties: false,
    keyKind,
  };
}

/** Adds alternative JSON types to a shape (e.g. a mapping that may also be a string). */
export function orTypes(shape: Shape, types: readonly string[], expected: string): Shape {
  const own = shape.type as string | string[];
  return { ...shape, type: [...types, ...(Array.isArray(own) ? own : [own])], expected };
}

/** A value of any of these JSON types, unchecked beyond that (for keys berth ignores). */
export function anyOfTypes(...types: string[]): Shape {
  return { type: types.length === 1 ? types[0] : types };
}
