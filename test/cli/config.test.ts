// End to end through the real binary: `berth config` prints the normalized stack or every
// error as `file:line:col path: message`, with exit status 0 or 1 and no stack trace.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runBerth } from '../support/run-berth.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-config-'));
const write = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return name;
};

describe('berth config', () => {
  it('prints the normalized hello example as YAML', () => {
    const r = runBerth(['config', '-f', 'examples/hello/stack.yaml']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const stack = parse(r.stdout) as { name: string; services: Record<string, { berth: { driver: string } }> };
    expect(stack.name).toBe('hello');
    expect(Object.keys(stack.services).sort()).toEqual(['web', 'worker']);
    expect(stack.services['web']?.berth.driver).toBe('process');
  });

  it('prints JSON with --format json and validates the other examples', () => {
    const r = runBerth(['config', '-f', 'examples/web/stack.yaml', '--format', 'json']);
    expect(r.status).toBe(0);
    const stack = JSON.parse(r.stdout) as { services: Record<string, { deploy: { replicas: number } }> };
    expect(stack.services['api']?.deploy.replicas).toBe(3);
    const real = runBerth(['config', '-q', '-f', 'examples/realistic/stack.yaml']);
    expect(real.stderr).toBe('');
    expect(real.status).toBe(0);
    expect(real.stdout).toBe('');
    const cluster = runBerth(['config', '-q', '-f', 'examples/cluster/stack.yaml']);
    expect(cluster.stderr).toBe('');
    expect(cluster.status).toBe(0);
  });

  it('reports every error at once with file:line:col and exits 1 without a stack trace', () => {
    write(
      'bad.yaml',
      [
        'services:', //                 1
        '  web:', //                    2
        '    image: nginx', //          3
        '    ports:', //                4
        '      - "80800"', //           5
        '    imgae: x', //              6
        '  db:', //                     7
        '    image: postgres', //       8
        '    restart: sometimes', //    9
        '',
      ].join('\n'),
    );
    const r = runBerth(['config', '-f', 'bad.yaml'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.yaml:5:9 services.web.ports[0]: "80800" is not a valid port');
    expect(r.stderr).toMatch(/bad\.yaml:6:5 services\.web\.imgae: unknown key "imgae"; did you mean "image"\?/);
    expect(r.stderr).toMatch(/bad\.yaml:9:\d+ services\.db\.restart: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('merges override files, applies -p and --profile', () => {
    write('base.yaml', 'services:\n  web:\n    image: a\n    environment: [A=1]\n  dbg:\n    image: b\n    profiles: [debug]\n');
    write('override.yaml', 'services:\n  web:\n    image: c\n    environment:\n      B: "2"\n');
    const plain = runBerth(['config', '-f', 'base.yaml', '-f', 'override.yaml', '-p', 'demo', '--format', 'json'], { cwd: dir });
    expect(plain.status).toBe(0);
    const stack = JSON.parse(plain.stdout) as { name: string; services: Record<string, { image: string; environment: Record<string, string> }> };
    expect(stack.name).toBe('demo');
    expect(Object.keys(stack.services)).toEqual(['web']);
    expect(stack.services['web']?.image).toBe('c');
    expect(stack.services['web']?.environment).toEqual({ A: '1', B: '2' });
    const withProfile = runBerth(['config', '-f', 'base.yaml', '--profile', 'debug', '--format', 'json'], { cwd: dir });
    expect(Object.keys((JSON.parse(withProfile.stdout) as { services: object }).services).sort()).toEqual(['dbg', 'web']);
  });

  it('interpolates from .env and the environment, and warns about unset variables', () => {
    write('.env', 'TAG=from-dotenv\n');
    write('interp.yaml', 'services:\n  web:\n    image: "app:${TAG}"\n    command: ["echo", "${UNSET_THING}"]\n');
    const r = runBerth(['config', '-f', 'interp.yaml', '--format', 'json'], { cwd: dir });
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { services: { web: { image: string } } }).services.web.image).toBe('app:from-dotenv');
    expect(r.stderr).toMatch(/UNSET_THING/);
    const env = runBerth(['config', '-f', 'interp.yaml', '--format', 'json'], { cwd: dir, env: { TAG: 'from-env' } });
    expect((JSON.parse(env.stdout) as { services: { web: { image: string } } }).services.web.image).toBe('app:from-env');
  });

  it('gives a clear error for a file that is not YAML, a binary file and a missing file', () => {
    write('notyaml.yaml', 'services: [unclosed\n  - {\n');
    const notYaml = runBerth(['config', '-f', 'notyaml.yaml'], { cwd: dir });
    expect(notYaml.status).toBe(1);
    expect(notYaml.stderr).toMatch(/^error: notyaml\.yaml:\d+:\d+ /m);
    writeFileSync(path.join(dir, 'binary.yaml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]));
    const bin = runBerth(['config', '-f', 'binary.yaml'], { cwd: dir });
    expect(bin.status).toBe(1);
    expect(bin.stderr).toMatch(/not a text file/);
    const missing = runBerth(['config', '-f', 'missing.yaml'], { cwd: dir });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/missing\.yaml: no such file/);
  });

  it('exits 2 on bad usage', () => {
    expect(runBerth(['config', '--format', 'xml', '-f', 'examples/hello/stack.yaml']).status).toBe(2);
    expect(runBerth(['no-such-command']).status).toBe(2);
    const help = runBerth(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/config/);
  });
});
