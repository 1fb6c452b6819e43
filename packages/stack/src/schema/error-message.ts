/**
 * Human wording of schema errors: what a value is (`number 12`, `a list`) and what a schema
 * node allows (`a port number, a "host:container" string or a long-form mapping`).
 */
import type { ErrorObject } from 'ajv';
import type { Shape } from './schema-shapes.js';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
  array: 'a list',
  object: 'a mapping',
};

const MAX_SHOWN = 40;

/** How messages show a value: `number 12`, `string "abc"`, `boolean true`, `null`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': {
      const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}...` : value;
      return `string ${JSON.stringify(shown)}`;
    }
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

/** Joins alternatives as prose: `a, b or c`. */
export function joinOr(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? 'nothing';
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1] ?? ''}`;
}

function typesOf(node: Shape): string[] {
  const t: unknown = node.type;
  if (typeof t === 'string') return [t];
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

/** The shapes a schema node allows, in words (its `expected` annotation when it has one). */
export function expectedText(node: Shape): string {
  if (typeof node.expected === 'string') return node.expected;
  if (Array.isArray(node.enum)) return `one of: ${node.enum.map(String).join(', ')}`;
  const alternatives: unknown = node.anyOf ?? node.oneOf;
  if (Array.isArray(alternatives)) return joinOr(alternatives.map((b) => expectedText(b as Shape)));
  // On a coerced node the string type only admits interpolated values; it is not a real option.
  const types = typesOf(node).filter((t) => typeof node.coerce !== 'string' || t !== 'string');
  const items = node.items as Shape | undefined;
  const names = types.map((t) =>
    t === 'array' && items && !Array.isArray(items) && items.type === 'string'
      ? 'a list of strings'
      : (TYPE_NAMES[t] ?? t),
  );
  return names.length > 0 ? joinOr(names) : 'a valid value';
}

function param(e: ErrorObject, name: string): unknown {
  return (e.params as Record<string, unknown>)[name];
}

/**
 * The message for one ajv error on a value (unknown keys are worded by the caller, which
 * knows the keys allowed there). `node` is the schema node holding the failed keyword.
 */
export function messageFor(e: ErrorObject, node: Shape, data: unknown): string {
  const got = `(got ${describeValue(data)})`;
  switch (e.keyword) {
    case 'type':
    case 'coerce':
    case 'pattern':
    case 'anyOf':
    case 'oneOf':
      return `must be ${expectedText(node)} ${got}`;
    case 'enum': {
      const allowed = param(e, 'allowedValues');
      return `must be one of: ${Array.isArray(allowed) ? allowed.map(String).join(', ') : '?'} ${got}`;
    }
    case 'const':
      return `must be ${JSON.stringify(param(e, 'allowedValue'))} ${got}`;
    case 'required':
      return `missing required key "${String(param(e, 'missingProperty'))}"`;
    case 'minimum':
      return `must be at least ${String(param(e, 'limit'))} ${got}`;
    case 'maximum':
      return `must be at most ${String(param(e, 'limit'))} ${got}`;
    case 'minItems': {
      const n = Number(param(e, 'limit'));
      return `must have at least ${n} item${n === 1 ? '' : 's'}`;
    }
    case 'minLength':
      return param(e, 'limit') === 1 ? 'must not be empty' : `must be at least ${String(param(e, 'limit'))} characters long`;
    case 'uniqueItems': {
      const [a, b] = [Number(param(e, 'i')), Number(param(e, 'j'))].sort((x, y) => x - y);
      return `must not repeat an item (items ${a} and ${b} are the same)`;
    }
    default:
      return `is not valid (${e.keyword}) ${got}`;
  }
}
