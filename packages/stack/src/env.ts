/** How the loader looks up variables for interpolation and inherited environment values. */
export type EnvLookup = (name: string) => string | undefined;

/** An EnvLookup over a plain record. */
export function lookupIn(record: Readonly<Record<string, string | undefined>>): EnvLookup {
  return (name) => (Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined);
}
