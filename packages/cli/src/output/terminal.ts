/** Where and how the CLI writes: colors only on a terminal and never when NO_COLOR is set. */

/** Output streams and whether they take ANSI colors. */
export interface Terminal {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  color: boolean;
}

/** The process's terminal, honouring NO_COLOR (https://no-color.org) and FORCE_COLOR. */
export function processTerminal(env: NodeJS.ProcessEnv = process.env): Terminal {
  const noColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  const force = env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0';
  return { out: process.stdout, err: process.stderr, color: !noColor && (force || process.stderr.isTTY === true) };
}

/** Wraps text in an SGR color when the terminal takes colors. */
export function paint(term: Terminal, sgr: number, text: string): string {
  return term.color ? `\u001b[${sgr}m${text}\u001b[0m` : text;
}
