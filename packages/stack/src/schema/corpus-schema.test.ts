/**
 * berth's schema against the shared corpus of real Compose files: every file the Compose
 * Specification's own schema accepts must pass berth's schema too.
 *
 * Interpolation has not run here, so a `${PORT}` sits where berth expects a number, duration
 * or enum value. Rather than substituting a guess (a "1" is no valid duration), a problem is
 * tolerated exactly when the value it is about is a string containing `$`; problems
 * anywhere else, including every unknown-key problem, count as failures.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse, type ScalarTag } from 'yaml';
import { Diagnostics, pathToString } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { valueAt } from './json-pointer.js';
import { reportIgnoredKeys } from './report-ignored.js';
import { checkModel } from './validate-model.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CORPUS = path.resolve(REPO_ROOT, '../shared/compose-corpus');

// The merge tags are resolved by the loader before validation; here `!reset` drops the value
// and `!override` keeps it, which is what the model looks like after merging a lone file.
const MERGE_TAGS: ScalarTag[] = [
  { tag: '!reset', resolve: () => null },
  { tag: '!override', resolve: (text: string) => text },
];

function composeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...composeFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

function referenceValidator(): (doc: unknown) => boolean {
  const schema = JSON.parse(readFileSync(path.join(CORPUS, 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
  // The https draft-07 URI is not one ajv knows by that name; draft-07 is its default anyway.
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, validateFormats: false });
  const validate = ajv.compile(schema);
  return (doc) => validate(doc);
}

// Files docker compose accepts although the published schema rejects them (it predates
// `pre_start`); berth must accept them as well.
const REFERENCE_SCHEMA_GAPS = /TestPreStartHook/;

const isUninterpolated = (v: unknown): boolean => typeof v === 'string' && v.includes('$');

describe.skipIf(!existsSync(CORPUS))('compose corpus', () => {
  it('accepts every file the Compose schema (or docker compose) accepts; warnings are "ignored"/"version"', () => {
    const reference = referenceValidator();
    const files = composeFiles(CORPUS);
    let both = 0;
    let tolerated = 0;
    let gaps = 0;
    const rejectedByReference: string[] = [];
    const failures: string[] = [];
    const badWarnings: string[] = [];
    for (const file of files) {
      const rel = path.relative(CORPUS, file);
      const doc: unknown = parse(readFileSync(file, 'utf8'), { merge: true, customTags: MERGE_TAGS });
      const accepted = reference(doc);
      if (!accepted && !REFERENCE_SCHEMA_GAPS.test(rel)) {
        rejectedByReference.push(rel);
        continue;
      }
      if (!accepted) gaps++;
      const { problems } = checkModel(doc as RawMap);
      const real = problems.filter((p) => p.atKey || !isUninterpolated(valueAt(doc, p.path)));
      tolerated += problems.length - real.length;
      if (real.length === 0 && accepted) both++;
      for (const p of real) failures.push(`${rel}: ${pathToString(p.path)}: ${p.message}`);
      const diag = new Diagnostics();
      reportIgnoredKeys(doc as RawMap, diag);
      for (const w of diag.warnings) {
        if (!/^(ignored|the attribute "version" is obsolete)/.test(w.message)) badWarnings.push(`${rel}: ${w.message}`);
      }
    }
    console.log(
      `compose corpus: ${files.length} files; accepted by both: ${both}; ` +
        `accepted by berth and docker compose but not the (older) reference schema: ${gaps}; ` +
        `rejected by reference: ${rejectedByReference.length}; berth failures: ${failures.length}; ` +
        `tolerated uninterpolated values: ${tolerated}`,
    );
    expect(files.length).toBeGreaterThan(100);
    expect(rejectedByReference.length).toBeLessThan(files.length / 10);
    expect(failures).toEqual([]);
    expect(badWarnings).toEqual([]);
    expect(both + gaps + rejectedByReference.length).toBe(files.length);
  });
});
