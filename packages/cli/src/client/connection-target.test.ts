import { describe, expect, it } from 'vitest';
import { resolveConnection, sourceName, type ResolveInputs } from './connection-target.js';

const base: ResolveInputs = { flags: {}, env: {}, context: undefined, configDir: '/home/me/.config/berth', cwd: '/work' };

describe('resolveConnection', () => {
  it('without anything: no host (the local daemon) and the default admin cert dir', () => {
    expect(resolveConnection(base)).toEqual({ certDir: { value: '/home/me/.config/berth/certs/admin', source: 'default' } });
  });

  it('takes the host from the flag, then BERTH_HOST, then the context file', () => {
    const context = { host: 'tcp://ctx:7401' };
    const env = { BERTH_HOST: 'tcp://env:7401' };
    const flags = { host: 'tcp://flag:7401' };
    expect(resolveConnection({ ...base, flags, env, context }).host).toEqual({ value: 'tcp://flag:7401', source: 'flag' });
    expect(resolveConnection({ ...base, env, context }).host).toEqual({ value: 'tcp://env:7401', source: 'env' });
    expect(resolveConnection({ ...base, context }).host).toEqual({ value: 'tcp://ctx:7401', source: 'context' });
  });

  it('takes the cert dir from the flag, then BERTH_CERT_DIR, then the context file, each on its own', () => {
    const context = { host: 'tcp://ctx:7401', certDir: '/ctx/certs' };
    const env = { BERTH_CERT_DIR: '/env/certs' };
    expect(resolveConnection({ ...base, flags: { certDir: '/flag/certs' }, env, context }).certDir).toEqual({ value: '/flag/certs', source: 'flag' });
    expect(resolveConnection({ ...base, env, context }).certDir).toEqual({ value: '/env/certs', source: 'env' });
    // The host from the environment does not drop the context's cert dir: they are separate settings.
    const mixed = resolveConnection({ ...base, env: { BERTH_HOST: 'tcp://env:7401' }, context });
    expect(mixed).toEqual({ host: { value: 'tcp://env:7401', source: 'env' }, certDir: { value: '/ctx/certs', source: 'context' } });
  });

  it('treats empty and blank values as absent, so BERTH_HOST= means the default', () => {
    const target = resolveConnection({ ...base, flags: { host: '' }, env: { BERTH_HOST: '', BERTH_CERT_DIR: '  ' }, context: { host: 'unix:///ctx.sock' } });
    expect(target.host).toEqual({ value: 'unix:///ctx.sock', source: 'context' });
    expect(target.certDir.source).toBe('default');
    expect(resolveConnection({ ...base, env: { BERTH_HOST: '' } }).host).toBeUndefined();
  });

  it('resolves a relative cert dir against the working dir and trims the host', () => {
    const target = resolveConnection({ ...base, flags: { host: '  tcp://h:1 ', certDir: 'certs/admin' } });
    expect(target.host?.value).toBe('tcp://h:1');
    expect(target.certDir.value).toBe('/work/certs/admin');
  });

  it('names the sources as a person typed them', () => {
    expect(sourceName('flag', 'host')).toBe('--host');
    expect(sourceName('flag', 'certDir')).toBe('--cert-dir');
    expect(sourceName('env', 'host')).toBe('BERTH_HOST');
    expect(sourceName('env', 'certDir')).toBe('BERTH_CERT_DIR');
    expect(sourceName('context', 'host')).toBe('context file');
  });
});
