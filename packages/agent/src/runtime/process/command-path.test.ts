import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { commandCandidates, resolveCommand, serviceArgv } from './command-path.js';

describe('serviceArgv', () => {
  it.each([
    [{ command: ['node', 'app.js'] }, ['node', 'app.js']],
    [{ entrypoint: ['/bin/sh', '-c'], command: ['echo hi'] }, ['/bin/sh', '-c', 'echo hi']],
    [{ entrypoint: ['./run'] }, ['./run']],
    [{}, []],
  ])('%j → %j', (spec, argv) => {
    expect(serviceArgv(spec)).toEqual(argv);
  });
});

describe('commandCandidates', () => {
  it.each([
    ['node', '/usr/local/bin:/usr/bin', '/srv', ['/usr/local/bin/node', '/usr/bin/node']],
    ['node', 'bin::/usr/bin', '/srv', ['/srv/bin/node', '/srv/node', '/usr/bin/node']],
    ['/opt/app/run', '/usr/bin', '/srv', ['/opt/app/run']],
    ['./run', '/usr/bin', '/srv/app', ['/srv/app/run']],
    ['bin/run', '/usr/bin', '/srv/app', ['/srv/app/bin/run']],
    ['', '/usr/bin', '/srv', []],
  ])('%j with PATH %j in %j', (command, pathEnv, cwd, expected) => {
    expect(commandCandidates(command, pathEnv, cwd)).toEqual(expected);
  });
});

describe('resolveCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cmd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tool'), '#!/bin/sh\n');
  chmodSync(join(dir, 'tool'), 0o755);
  writeFileSync(join(dir, 'data'), 'not a program');
  chmodSync(join(dir, 'data'), 0o644);

  it('finds bare names on PATH and relative paths against cwd', async () => {
    expect(await resolveCommand('tool', `/nonexistent:${dir}`, '/')).toBe(join(dir, 'tool'));
    expect(await resolveCommand('./tool', '/usr/bin', dir)).toBe(join(dir, 'tool'));
    expect(await resolveCommand('sh', '/usr/bin:/bin', '/')).toMatch(/\/sh$/);
  });

  it('says which command is missing and where it looked', async () => {
    const err: unknown = await resolveCommand('nodee', '/usr/bin:/bin', '/').catch((e: unknown) => e);
    expect(isBerthError(err, 'NOT_FOUND')).toBe(true);
    expect((err as Error).message).toBe('command "nodee" not found on PATH (/usr/bin:/bin)');
    const rel: unknown = await resolveCommand('./missing', '/usr/bin', dir).catch((e: unknown) => e);
    expect((rel as Error).message).toBe(`command "./missing" not found (looked for ${dir}/missing)`);
  });

  it('refuses a directory and reports a non-executable file', async () => {
    await expect(resolveCommand(dir, '/usr/bin', '/')).rejects.toThrow(/not found/);
    // Root may execute any file with an x bit; this one has none, so even root gets EACCES.
    await expect(resolveCommand('data', dir, '/')).rejects.toThrow(/is not executable/);
  });
});
