/**
 * Diagnostics: errors and warnings found while loading a stack, each tied to a path in the
 * model and, when known, to the file position it came from.
 */

/** A position in a source file; line and col are 1-based. */
export interface Pos {
  file: string;
  line: number;
  col: number;
}

/** A path into the Compose model, e.g. `['services', 'web', 'ports', 0]`. */
export type ModelPath = readonly (string | number)[];

/** One problem found while loading. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Path in the model as printed, e.g. `services.web.ports[0]`; '' for the file itself. */
  path: string;
  message: string;
  pos?: Pos;
}

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Prints a model path the way users read it: `services.web.ports[0]`, `labels["a.b"]`. */
export function pathToString(path: ModelPath): string {
  let out = '';
  for (const seg of path) out = childPath(out, seg);
  return out;
}

/** The printed path of `seg` under the printed path `parent` (cheaper than re-printing). */
export function childPath(parent: string, seg: string | number): string {
  if (typeof seg === 'number') return `${parent}[${seg}]`;
  if (SIMPLE_KEY.test(seg)) return parent === '' ? seg : `${parent}.${seg}`;
  return `${parent}[${JSON.stringify(seg)}]`;
}

/** Formats a diagnostic as `file:line:col path: message` (parts that are unknown are left out). */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.pos ? `${d.pos.file}:${d.pos.line}:${d.pos.col} ` : '';
  const path = d.path === '' ? '' : `${d.path}: `;
  const prefix = d.severity === 'warning' ? 'warning: ' : '';
  return `${prefix}${where}${path}${d.message}`;
}

/** Collects diagnostics; positions are looked up through the source map when reported. */
export class Diagnostics {
  constructor(
    private readonly sources?: SourceLocator,
    readonly items: Diagnostic[] = [],
  ) {}

  /** A view that records into the same list but locates paths through `sources`. */
  at(sources: SourceLocator): Diagnostics {
    return new Diagnostics(sources, this.items);
  }

  /** Records an error at `path`; `atKey` points at the mapping key instead of its value. */
  error(path: ModelPath, message: string, atKey = false): void {
    this.push('error', path, message, atKey);
  }

  /** Records a warning at `path`. */
  warn(path: ModelPath, message: string, atKey = false): void {
    this.push('warning', path, message, atKey);
  }

  /** Adds an already-built diagnostic (e.g. from a nested load). */
  add(d: Diagnostic): void {
    this.items.push(d);
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }

  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  private push(severity: Diagnostic['severity'], path: ModelPath, message: string, atKey: boolean): void {
    const pos = this.sources?.locate(path, atKey);
    this.items.push({ severity, path: pathToString(path), message, ...(pos ? { pos } : {}) });
  }
}

/** Finds the file position a model path came from. */
export interface SourceLocator {
  locate(path: ModelPath, atKey?: boolean): Pos | undefined;
}
