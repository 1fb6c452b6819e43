/**
 * Field-level rules shared by the domain ↔ wire converters: enums map through complete tables,
 * required sub-messages must be present, and decoded objects carry no `undefined` keys.
 * Decoding errors are BerthError INTERNAL (a peer sent something this build cannot represent,
 * i.e. a version skew or a bug) with the dotted path of the offending field in the context.
 */
import { BerthError } from '../errors.js';

/** A two-way mapping between a domain string union and a generated wire enum. */
export interface EnumMapping<D extends string, W extends number> {
  /** The wire value of a domain value; throws on a value outside the union. */
  toWire(value: D): W;
  /** The domain value of a wire value; throws on UNSPECIFIED/unknown numbers. */
  fromWire(value: W, path: string): D;
}

/**
 * Builds an EnumMapping from a table naming the wire value of every domain value. Taking a full
 * `Record<D, W>` makes the compiler reject a table that forgets a member of the union.
 */
export function enumMapping<D extends string, W extends number>(
  enumName: string,
  table: Readonly<Record<D, W>>,
): EnumMapping<D, W> {
  const entries = Object.entries(table) as [D, W][];
  const toWire = new Map<string, W>(entries);
  const fromWire = new Map<number, D>(entries.map(([domain, wire]) => [wire, domain]));
  return {
    toWire(value) {
      const wire = toWire.get(value);
      if (wire === undefined) {
        throw new BerthError('INTERNAL', `${JSON.stringify(value)} is not a ${enumName}`, {
          context: { enum: enumName, value },
        });
      }
      return wire;
    },
    fromWire(value, path) {
      const domain = fromWire.get(value);
      if (domain === undefined) {
        throw new BerthError('INTERNAL', `wire field ${path} has no known ${enumName} (got ${value})`, {
          context: { path, enum: enumName, value },
        });
      }
      return domain;
    },
  };
}

/** Returns a sub-message the domain requires; proto3 cannot mark message fields required. */
export function requireMessage<T>(value: T | undefined, path: string): T {
  if (value === undefined) {
    throw new BerthError('INTERNAL', `wire field ${path} is missing`, { context: { path } });
  }
  return value;
}

/**
 * A shallow copy without the keys whose value is `undefined`, so a decoded spec is strictly
 * deep-equal (e.g. `util.isDeepStrictEqual`) to one built without those optional keys.
 */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Maps the values of a string-keyed record (`Object.fromEntries` keeps a `__proto__` key as an own key). */
export function mapRecord<A, B>(
  record: Readonly<Record<string, A>>,
  convert: (value: A, key: string) => B,
): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, convert(value, key)]));
}

/** The dotted path of a record entry, quoting keys that are not plain identifiers. */
export function entryPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
