/** What normalization needs from the loader: the project name, a diagnostics sink and env access. */
import type { Diagnostic, Diagnostics } from '../diagnostics.js';
import type { EnvLookup } from '../env.js';

/** Reads one env file; injected so normalization itself does no I/O. */
export type ReadEnvFile = (
  file: string,
  options: { raw: boolean },
) => { values: Record<string, string>; diagnostics: Diagnostic[] };

/** Inputs of `normalizeStack` besides the model itself. */
export interface NormalizeContext {
  /** Already-normalized project name; prefixes generated resource names. */
  projectName: string;
  diag: Diagnostics;
  /** Variables of the invoking environment (process env + `.env`). */
  lookup: EnvLookup;
  readEnvFile: ReadEnvFile;
}
