// Runs the dotenv fixtures of compose-go (read in place from the shared corpus, never copied)
// through parseDotenv, with the values each one is meant to produce under Compose's rules.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lookupIn } from '../env.js';
import { parseDotenv } from './parse-dotenv.js';
import { readEnvFile } from './read-env-file.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const shared = path.resolve(repoRoot, '../shared');
const fixtures = path.join(shared, 'compose-corpus/compose-go/dotenv/fixtures');

const plainValues = {
  OPTION_A: '1',
  OPTION_B: '2',
  OPTION_C: '3',
  OPTION_D: '4',
  OPTION_E: '5',
  '456': 'ABC',
  OPTION_F: '',
  OPTION_G: '',
  OPTION_H: 'my string',
};

interface Case {
  env?: Record<string, string>;
  values: Record<string, string>;
}

/** Expected results per fixture file; a file may be checked under several environments. */
const expected: Record<string, Case[]> = {
  // yaml-style `KEY:VALUE`, and the last line has no newline.
  'custom.format': [{ values: { FOO: 'BAR', ZOT: 'QIX' } }],
  'equals.env': [{ values: { OPTION_A: 'postgres://localhost:5432/database?sslmode=disable' } }],
  'inherited-multi-var.env': [
    {
      env: { VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE' },
      values: { foo: 'bar', VAR_TO_BE_LOADED_FROM_OS_ENV: 'SOME_RANDOM_VALUE', bar: 'baz' },
    },
    { values: { foo: 'bar', bar: 'baz' } },
  ],
  'inherited-not-found.env': [{ values: {} }],
  'plain.env': [{ values: plainValues }],
  'special.env': [{ values: { 'VAR.WITH.DOTS': 'dots', VAR_WITH_UNDERSCORES: 'underscores', 'VAR-WITH-DASHES': 'dashes' } }],
  'substitutions-default.env': [
    { values: { OPTION_A: '1', OPTION_B: '1', OPTION_C: '1', OPTION_D: '1_1', OPTION_E: '' } },
    { env: { OPTION_A: '5' }, values: { OPTION_A: '5', OPTION_B: '5', OPTION_C: '5', OPTION_D: '5_5', OPTION_E: '' } },
  ],
  'unquoted.env': [
    {
      values: {
        OPTION_A: 'some quoted phrase',
        OPTION_B: 'first one with an unquoted phrase',
        OPTION_C: 'then another one with an unquoted phrase',
        OPTION_D: 'then another one with an unquoted phrase special è char',
        OPTION_E: 'then another one quoted phrase',
      },
    },
  ],
  // Same content as plain.env behind a UTF-8 byte order mark.
  'utf8-bom.env': [{ values: plainValues }],
};

describe.skipIf(!existsSync(shared))('compose-go dotenv fixtures', () => {
  const files = existsSync(fixtures) ? readdirSync(fixtures).sort() : [];

  it('has an expectation for every fixture', () => {
    expect(files.filter((f) => f !== 'invalid1.env' && !(f in expected))).toEqual([]);
    expect(files.length).toBeGreaterThan(0);
  });

  for (const [file, cases] of Object.entries(expected)) {
    for (const c of cases) {
      it(`${file} with ${JSON.stringify(c.env ?? {})}`, () => {
        const text = readFileSync(path.join(fixtures, file), 'utf8');
        expect(parseDotenv(text, lookupIn(c.env ?? {}))).toEqual({ values: c.values, errors: [] });
      });
    }
  }

  it('rejects invalid1.env with the space error on line 7', () => {
    const file = path.join(fixtures, 'invalid1.env');
    const r = parseDotenv(readFileSync(file, 'utf8'), lookupIn({}));
    expect(r.errors).toEqual([{ line: 7, message: 'key cannot contain a space' }]);
    // The multi-line value before it is read in full; the rest of the file still parses.
    expect(r.values).toEqual({ foo: '\n  a\n  multine\n  value\n', zot: 'qix' });
    expect(readEnvFile(file, lookupIn({})).diagnostics).toEqual([
      { severity: 'error', path: '', message: 'key cannot contain a space', pos: { file, line: 7, col: 1 } },
    ]);
  });
});
