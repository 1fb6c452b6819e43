/**
 * Field rules for the link's wire converters, matching @berth/api's: enums map through complete
 * tables, UNSPECIFIED and unknown numbers (a newer peer) are rejected, as are missing required
 * sub-messages, each with BerthError INTERNAL naming the field's dotted path.
 */
import { BerthError } from '@berth/api';

/** A two-way mapping between a domain string union and a generated wire enum. */
export interface WireEnum<D extends string, W extends number> {
  /** The wire value of a domain value. */
  toWire(value: D): W;
  /** The domain value of a wire value; throws on UNSPECIFIED/unknown numbers. */
  fromWire(value: W, path: string): D;
}

/** A WireEnum from a table naming the wire value of every member of the union. */
export function wireEnum<D extends string, W extends number>(
  enumName: string,
  table: Readonly<Record<D, W>>,
): WireEnum<D, W> {
  const back = new Map<number, D>((Object.entries(table) as [D, W][]).map(([d, w]) => [w, d]));
  return {
    toWire: (value) => {
      // Own-property check: a value outside the union must not find Object.prototype members.
      if (!Object.hasOwn(table, value)) {
        throw new BerthError('INTERNAL', `${JSON.stringify(value)} is not a ${enumName}`, {
          context: { enum: enumName, value },
        });
      }
      return table[value];
    },
    fromWire: (value, path) => {
      const domain = back.get(value);
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
export function requireField<T>(value: T | undefined, path: string): T {
  if (value === undefined) {
    throw new BerthError('INTERNAL', `wire field ${path} is missing`, { context: { path } });
  }
  return value;
}

/** Converts every value of a wire map (`Object.fromEntries` keeps odd keys as own keys). */
export function mapValues<A, B>(
  record: Readonly<Record<string, A>>,
  convert: (value: A, key: string) => B,
): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, convert(value, key)]));
}
