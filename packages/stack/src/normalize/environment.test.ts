import { describe, expect, it } from 'vitest';
import { Diagnostics, type Diagnostic } from '../diagnostics.js';
import { lookupIn } from '../env.js';
import type { RawMap } from '../raw-model.js';
import { envFileRefs, normalizeEnvironment } from './environment.js';
import type { NormalizeContext } from './normalize-context.js';

/** A fake env-file reader over in-memory files that records how it was called. */
function fakeFiles(files: Record<string, Record<string, string>>, broken: Record<string, Diagnostic> = {}) {
  const calls: [string, boolean][] = [];
  const readEnvFile: NormalizeContext['readEnvFile'] = (file, { raw }) => {
    calls.push([file, raw]);
    const values = files[file];
    if (values) return { values, diagnostics: broken[file] ? [broken[file]] : [] };
    return { values: {}, diagnostics: [{ severity: 'error', path: '', message: `${file}: no such file` }] };
  };
  return { readEnvFile, calls };
}

function env(service: RawMap, files: Record<string, Record<string, string>>, vars: Record<string, string> = {}, broken = {}) {
  const diag = new Diagnostics();
  const fake = fakeFiles(files, broken);
  const ctx: NormalizeContext = { projectName: 'p', diag, lookup: lookupIn(vars), readEnvFile: fake.readEnvFile };
  return { environment: normalizeEnvironment(service, ['services', 'web'], ctx), diag, calls: fake.calls };
}

describe('normalizeEnvironment', () => {
  it('reads env files in order, then lets environment override', () => {
    const { environment, calls } = env(
      { env_file: ['/p/a.env', { path: '/p/b.env', format: 'raw' }], environment: { B: 'own', PORT: 8080 } },
      { '/p/a.env': { A: 'a', B: 'a' }, '/p/b.env': { B: 'b', C: 'b' } },
    );
    expect(environment).toEqual({ A: 'a', B: 'own', C: 'b', PORT: '8080' });
    expect(calls).toEqual([['/p/a.env', false], ['/p/b.env', true]]);
  });

  it('accepts a single env_file string', () => {
    expect(env({ env_file: '/p/.env' }, { '/p/.env': { X: '1' } }).environment).toEqual({ X: '1' });
  });

  it('resolves bare names from the invoking environment and keeps unknown ones null', () => {
    const { environment } = env({ environment: ['HOME', 'MISSING', 'SET=1'] }, {}, { HOME: '/home/me' });
    expect(environment).toEqual({ HOME: '/home/me', MISSING: null, SET: '1' });
  });

  it('lets a bare name in environment override an env file value', () => {
    expect(env({ env_file: '/p/.env', environment: { TOKEN: null } }, { '/p/.env': { TOKEN: 'file' } }).environment).toEqual({ TOKEN: null });
  });

  it('reports a missing required file but skips a missing optional one silently', () => {
    const { environment, diag } = env(
      { env_file: [{ path: '/p/missing.env', required: false }, { path: '/p/also-missing.env', required: 'true' }, '/p/ok.env'] },
      { '/p/ok.env': { OK: '1' } },
    );
    expect(environment).toEqual({ OK: '1' });
    expect(diag.items).toEqual([{ severity: 'error', path: 'services.web.env_file[1]', message: '/p/also-missing.env: no such file' }]);
  });

  it('still reports syntax errors inside an optional file that exists', () => {
    const bad: Diagnostic = { severity: 'error', path: '', message: 'unterminated quote', pos: { file: '/p/opt.env', line: 2, col: 5 } };
    const { diag } = env({ env_file: [{ path: '/p/opt.env', required: false }] }, { '/p/opt.env': {} }, {}, { '/p/opt.env': bad });
    expect(diag.items).toEqual([bad]);
  });
});

describe('envFileRefs', () => {
  it('reports an unknown format and a non-boolean required', () => {
    const diag = new Diagnostics();
    expect(envFileRefs([{ path: '/a', format: 'json', required: 'perhaps' }], ['services', 'web', 'env_file'], { diag })).toEqual([
      { path: '/a', required: true, raw: false, at: ['services', 'web', 'env_file', 0] },
    ]);
    expect(diag.items.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'services.web.env_file[0].required: expected a boolean (true or false), got "perhaps"',
      'services.web.env_file[0].format: unsupported env_file format "json": the only format is "raw"',
    ]);
  });
});
