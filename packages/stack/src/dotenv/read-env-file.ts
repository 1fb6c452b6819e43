/**
 * Reads one dotenv file from disk (the only I/O of the dotenv code) and reports its problems as
 * loader diagnostics instead of exceptions.
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics.js';
import type { EnvLookup } from '../env.js';
import { parseDotenv, type DotenvOptions } from './parse-dotenv.js';

/** Values of one env file plus diagnostics positioned in it. */
export interface EnvFileResult {
  values: Record<string, string>;
  diagnostics: Diagnostic[];
}

/** Reads and parses the dotenv file `file`; a missing or unreadable file is one error diagnostic. */
export function readEnvFile(file: string, lookup: EnvLookup, options: DotenvOptions = {}): EnvFileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { values: {}, diagnostics: [{ severity: 'error', path: '', message: readFailure(file, err) }] };
  }
  const parsed = parseDotenv(text, lookup, options);
  const diagnostics = parsed.errors.map(
    (e): Diagnostic => ({ severity: 'error', path: '', message: e.message, pos: { file, line: e.line, col: 1 } }),
  );
  return { values: parsed.values, diagnostics };
}

/** A message for why `file` could not be read. */
function readFailure(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `env file ${file} not found`;
  if (code === 'EISDIR') return `env file ${file} is a directory, not a file`;
  if (code === 'EACCES' || code === 'EPERM') return `env file ${file} cannot be read: permission denied`;
  const reason = err instanceof Error ? err.message : String(err);
  return `env file ${file} cannot be read: ${reason}`;
}
