/** Small option parsers shared by the commands. */

/** Commander reducer for repeatable options (`-f a -f b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
