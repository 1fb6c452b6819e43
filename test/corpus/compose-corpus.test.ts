// Loads every Compose file of ../shared/compose-corpus through berth's loader: files the
// reference Compose schema accepts must load with warnings at most; files documented as
// invalid must be rejected with positioned errors. Prints the counts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStack, type LoadResult } from '@berth/stack';
import { CORPUS_DIR, corpusAvailable } from '../support/shared.js';

const available = corpusAvailable();

interface Row {
  file: string;
}
interface Expected {
  file: string;
  kind: 'invalid' | 'fragment' | 'conditional';
}

function tsv<T>(name: string): T[] {
  const [head, ...lines] = readFileSync(path.join(CORPUS_DIR, name), 'utf8').trim().split('\n');
  const cols = (head ?? '').split('\t');
  return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v])) as T);
}

/** Validates with the reference schema before interpolation, as the corpus README does. */
function referenceAccepts(file: string): boolean {
  const validate = referenceValidator();
  try {
    return validate(parse(readFileSync(file, 'utf8'), { merge: true, logLevel: 'silent' }) as unknown) === true;
  } catch {
    return false;
  }
}

let cached: ((data: unknown) => boolean) | undefined;
function referenceValidator(): (data: unknown) => boolean {
  if (!cached) {
    const schema = JSON.parse(readFileSync(path.join(CORPUS_DIR, 'compose-spec.json'), 'utf8')) as Record<string, unknown>;
    // Its $schema names draft-07 by an https URL that ajv's built-in meta-schema does not carry.
    delete schema['$schema'];
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: false });
    const fn = ajv.compile(schema);
    cached = (data) => fn(data) === true;
  }
  return cached;
}

// Variables the upstream tests set before loading these files; without them the file is
// (rightly) invalid, e.g. `${FILE}:/text_file.txt` becomes the empty-source volume `:/text_file.txt`.
const UPSTREAM_ENV: Record<string, Record<string, string>> = {
  'compose/pkg/e2e/fixtures/logs-test/cat.yaml': { FILE: '/tmp/text_file.txt' },
};

// A fixed environment keeps the run independent of the developer's shell.
const load = (file: string, env: Record<string, string> = UPSTREAM_ENV[file] ?? {}): LoadResult =>
  loadStack({ files: [path.join(CORPUS_DIR, file)], env, cwd: CORPUS_DIR, home: '/home/berth' });

const counts = { files: 0, referenceAccepted: 0, referenceRejected: 0, loaded: 0, warningsOnly: 0, rejectedAsExpected: 0 };

describe.skipIf(!available)('compose corpus', () => {
  const rows = available ? tsv<Row>('MANIFEST.tsv').filter((r) => /\.ya?ml$/.test(r.file)) : [];
  const expected = available ? new Map(tsv<Expected>('EXPECTED-INVALID.tsv').map((e) => [e.file, e.kind])) : new Map<string, string>();

  for (const row of rows) {
    const kind = expected.get(row.file);
    if (kind !== undefined) continue;
    it(`loads ${row.file}`, () => {
      counts.files++;
      if (!referenceAccepts(path.join(CORPUS_DIR, row.file))) {
        counts.referenceRejected++;
        return;
      }
      counts.referenceAccepted++;
      const r = load(row.file);
      expect(r.errors.map((e) => `${e.pos?.file}:${e.pos?.line}:${e.pos?.col} ${e.path}: ${e.message}`)).toEqual([]);
      expect(r.stack).toBeDefined();
      counts.loaded++;
      if (r.warnings.length > 0) counts.warningsOnly++;
    });
  }

  for (const [file, kind] of expected) {
    if (kind === 'conditional' || !/\.ya?ml$/.test(file)) continue;
    it(`rejects ${file} (${kind})`, () => {
      const r = load(file);
      expect(r.stack).toBeUndefined();
      expect(r.errors.length).toBeGreaterThan(0);
      for (const e of r.errors) expect(e.pos, `${e.path}: ${e.message} has a position`).toBeDefined();
      counts.rejectedAsExpected++;
    });
  }

  it('rejects the dotenv fixture documented as invalid', () => {
    const file = 'compose-go/dotenv/fixtures/invalid1.env';
    expect(expected.get(file)).toBe('invalid');
    const r = loadStack({
      files: [path.join(CORPUS_DIR, 'compose-go/loader/testdata/compose-depends-on-self.yaml')],
      envFiles: [path.join(CORPUS_DIR, file)],
      env: {},
      cwd: CORPUS_DIR,
    });
    const envError = r.errors.find((e) => e.pos?.file.endsWith('invalid1.env'));
    expect(envError?.message).toMatch(/key cannot contain a space/);
    expect(envError?.pos?.line).toBe(7);
  });

  it('loads TestUpImageID only when ID is set', () => {
    const file = 'compose/pkg/e2e/testdata/TestUpImageID/compose.yaml';
    expect(load(file).errors[0]?.message).toMatch(/ID variable must be set/);
    expect(load(file, { ID: 'sha256:abc' }).stack).toBeDefined();
  });

  afterAll(() => {
    if (counts.files > 0) {
      console.log(
        `compose corpus: ${counts.files} files; reference schema accepted ${counts.referenceAccepted}, rejected ${counts.referenceRejected}; ` +
          `berth loaded ${counts.loaded} (${counts.warningsOnly} with warnings); documented-invalid rejected ${counts.rejectedAsExpected}`,
      );
    }
  });
});
