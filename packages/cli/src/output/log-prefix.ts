/**
 * Prefixes of merged log output, as `docker compose logs` prints them: `web-1    | `, padded so
 * the bars line up, each service in its own color (on a color terminal only).
 */

// Bright and normal variants of the six readable colors; red is left out so errors stand out.
const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/** Hands out one color per service and pads task names to a common width. */
export class LogPrefixer {
  readonly #colors = new Map<string, number>();
  #width: number;

  /**
   * `services` fixes the color order (and the initial width) when the services are known up
   * front, so `web` keeps its color across runs; unknown services get the next color on sight.
   */
  constructor(
    private readonly color: boolean,
    services: readonly string[] = [],
    initialWidth = 0,
  ) {
    for (const s of services) this.#colorOf(s);
    this.#width = initialWidth;
  }

  /** The prefix for a line of task `name` of `service`: `name | ` padded to the widest name seen. */
  prefix(service: string, name: string): string {
    // The width only grows: shrinking it would make later lines jump left.
    this.#width = Math.max(this.#width, [...name].length);
    const text = name.padEnd(this.#width) + ' | ';
    return this.color ? `\u001b[${this.#colorOf(service)}m${text}\u001b[0m` : text;
  }

  #colorOf(service: string): number {
    let sgr = this.#colors.get(service);
    if (sgr === undefined) {
      sgr = PALETTE[this.#colors.size % PALETTE.length] ?? 36;
      this.#colors.set(service, sgr);
    }
    return sgr;
  }
}
