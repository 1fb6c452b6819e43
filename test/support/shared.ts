/** Locates the shared test data beside the repository (`../shared`), which CI always has. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `../shared/compose-corpus` relative to the repository root. */
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/compose-corpus');

/** True when the corpus is present. Under CI=true its absence is an error, not a skip. */
export function corpusAvailable(): boolean {
  const present = existsSync(path.join(CORPUS_DIR, 'MANIFEST.tsv'));
  if (!present && process.env['CI'] === 'true') {
    throw new Error(`the Compose corpus is missing at ${CORPUS_DIR}; CI must run with ../shared beside the repo`);
  }
  if (!present) console.warn(`[skip] Compose corpus not found at ${CORPUS_DIR}; corpus tests skipped`);
  return present;
}
