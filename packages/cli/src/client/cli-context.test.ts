import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BerthError } from '@berth/api/domain';
import { berthConfigDir, clearCliContext, contextFilePath, parseCliContext, readCliContext, writeCliContext } from './cli-context.js';
import type { ControlClient } from './control-api.js';
import { openControl } from './open-control.js';

describe('berthConfigDir', () => {
  it('uses an absolute XDG_CONFIG_HOME, else ~/.config', () => {
    expect(berthConfigDir({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/me' })).toBe('/xdg/berth');
    expect(berthConfigDir({ XDG_CONFIG_HOME: 'relative', HOME: '/home/me' })).toBe('/home/me/.config/berth');
    expect(berthConfigDir({ HOME: '/home/me' })).toBe('/home/me/.config/berth');
    expect(contextFilePath({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/berth/context.json');
  });
});

describe('parseCliContext', () => {
  const usage = (text: string): string => {
    try {
      parseCliContext(text, '/c.json');
    } catch (e) {
      expect(e).toBeInstanceOf(BerthError);
      expect((e as BerthError).code).toBe('USAGE');
      return (e as BerthError).message;
    }
    throw new Error(`accepted ${text}`);
  };

  it('accepts host and certDir, each optional', () => {
    expect(parseCliContext('{"host":"tcp://h:1","certDir":"/d"}', '/c.json')).toEqual({ host: 'tcp://h:1', certDir: '/d' });
    expect(parseCliContext('{}', '/c.json')).toEqual({});
  });

  it('refuses what it cannot trust, naming the file and the way out', () => {
    expect(usage('{"host": ')).toMatch(/^the context file \/c\.json is not valid JSON .*berth context clear/);
    expect(usage('[]')).toMatch(/must hold a JSON object/);
    expect(usage('{"hots":"tcp://h:1"}')).toMatch(/unknown key "hots" \(known: host, certDir\)/);
    expect(usage('{"host":7}')).toMatch(/"host" .* must be a non-empty string/);
    expect(usage('{"certDir":"certs"}')).toMatch(/"certDir" .* must be an absolute path/);
  });
});

describe('context file', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'berth-context-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is written 0600 in a 0700 dir, read back, replaced and cleared', async () => {
    const file = contextFilePath({ XDG_CONFIG_HOME: dir });
    expect(await readCliContext(file)).toBeUndefined();
    await writeCliContext(file, { host: 'tcp://10.0.0.1:7401', certDir: '/certs/admin' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ host: 'tcp://10.0.0.1:7401', certDir: '/certs/admin' });
    expect(await readCliContext(file)).toEqual({ host: 'tcp://10.0.0.1:7401', certDir: '/certs/admin' });

    await writeCliContext(file, { host: 'unix:///run/berth.sock' });
    expect(await readCliContext(file)).toEqual({ host: 'unix:///run/berth.sock' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // No temp files are left beside it.
    expect(readdirSync(path.dirname(file))).toEqual(['context.json']);

    expect(await clearCliContext(file)).toBe(true);
    expect(await clearCliContext(file)).toBe(false);
    expect(await readCliContext(file)).toBeUndefined();
  });

  it('makes a malformed file a usage error', async () => {
    const file = contextFilePath({ XDG_CONFIG_HOME: dir });
    mkdirSync(path.dirname(file));
    writeFileSync(file, 'host = tcp://h:1\n');
    await expect(readCliContext(file)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining(file) });
  });

  it('is what openControl uses when neither flag nor environment names a host, with its cert dir', async () => {
    const env = { XDG_CONFIG_HOME: dir, HOME: dir };
    const certDir = path.join(dir, 'certs');
    mkdirSync(certDir);
    writeFileSync(path.join(certDir, 'ca.crt'), 'x');
    writeFileSync(path.join(certDir, 'cert.crt'), 'x');
    await writeCliContext(contextFilePath(env), { host: 'tcp://127.0.0.1:1', certDir });
    const open = (extra: Record<string, string>, flags: { host?: string; certDir?: string } = {}): Promise<ControlClient> =>
      openControl({ ...flags, env: { ...env, ...extra }, startDaemon: false, log: () => undefined });
    // The context's tcp host needs the context's cert dir, where cert.key is missing: the error names it.
    await expect(open({})).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: expect.stringMatching(new RegExp(`^tcp://127\\.0\\.0\\.1:1 \\(from context file\\) needs a client certificate, but ${path.join(certDir, 'cert.key')} does not exist \\(cert dir from context file\\)`)),
    });
    // BERTH_CERT_DIR wins over the context's cert dir, the flag over both.
    await expect(open({ BERTH_CERT_DIR: path.join(dir, 'env-certs') })).rejects.toMatchObject({ message: expect.stringContaining(`${path.join(dir, 'env-certs', 'ca.crt')} does not exist (cert dir from BERTH_CERT_DIR)`) });
    await expect(open({ BERTH_CERT_DIR: path.join(dir, 'env-certs') }, { certDir: path.join(dir, 'flag-certs') })).rejects.toMatchObject({
      message: expect.stringContaining(`${path.join(dir, 'flag-certs', 'ca.crt')} does not exist (cert dir from --cert-dir)`),
    });
    // BERTH_HOST wins over the context's host; a unix socket needs no certificate (the client dials lazily).
    const unix = await open({ BERTH_HOST: `unix://${path.join(dir, 'none.sock')}` });
    expect(unix.address).toBe(`unix://${path.join(dir, 'none.sock')}`);
    unix.close();
    // An empty BERTH_HOST falls through to the context, not to the local daemon.
    await expect(open({ BERTH_HOST: '' })).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });
});
