import { describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { describeDockerEndpoint, parseDockerHost } from './docker-endpoint.js';

describe('parseDockerHost', () => {
  it('defaults to the local socket when DOCKER_HOST is unset or empty', () => {
    const expected = { kind: 'unix', socketPath: '/var/run/docker.sock' };
    expect(parseDockerHost({})).toEqual(expected);
    expect(parseDockerHost({ DOCKER_HOST: '' })).toEqual(expected);
    expect(parseDockerHost({ DOCKER_HOST: 'unix://' })).toEqual(expected);
  });

  it('reads a unix socket path', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'unix:///run/user/0/docker.sock' })).toEqual({
      kind: 'unix',
      socketPath: '/run/user/0/docker.sock',
    });
  });

  it('reads tcp host and port, with the CLI default ports', () => {
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toEqual({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 2375,
      tls: false,
    });
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://localhost' })).toMatchObject({ port: 2375 });
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://localhost', DOCKER_TLS_VERIFY: '1' })).toEqual({
      kind: 'tcp',
      host: 'localhost',
      port: 2376,
      tls: true,
    });
    expect(parseDockerHost({ DOCKER_HOST: 'tcp://[::1]:2375' })).toMatchObject({ host: '::1' });
  });

  it.each(['ssh://me@box', 'npipe:////./pipe/docker_engine', 'localhost:2375', 'tcp://:2375'])(
    'rejects %s with a USAGE error naming the value',
    (value) => {
      let caught: unknown;
      try {
        parseDockerHost({ DOCKER_HOST: value });
      } catch (err) {
        caught = err;
      }
      expect(isBerthError(caught, 'USAGE')).toBe(true);
      expect((caught as Error).message).toContain(`DOCKER_HOST=${value}`);
    },
  );
});

describe('describeDockerEndpoint', () => {
  it('shows endpoints in DOCKER_HOST form', () => {
    expect(describeDockerEndpoint({ kind: 'unix', socketPath: '/x.sock' })).toBe('unix:///x.sock');
    expect(describeDockerEndpoint({ kind: 'tcp', host: '::1', port: 2376, tls: true })).toBe(
      'tcp://[::1]:2376 (TLS)',
    );
  });
});
