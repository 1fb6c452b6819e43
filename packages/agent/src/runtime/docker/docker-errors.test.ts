import { describe, expect, it } from 'vitest';
import { BerthError } from '@berth/api';
import { engineLocation, engineMessage, portTakenError, takenPortAddress, toBerthError } from './docker-errors.js';

/** What dockerode rejects with when the engine answers with an error status. */
function engineError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message} `), { statusCode, json: { message } });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} /var/run/docker.sock`), { code });
}

describe('takenPortAddress', () => {
  it.each<[string, string | undefined]>([
    ['driver failed programming external connectivity on endpoint x (abc): Bind for 127.0.0.1:8080 failed: port is already allocated', '127.0.0.1:8080'],
    ['driver failed programming external connectivity on endpoint x (abc): Error starting userland proxy: listen tcp4 127.0.0.1:18080: bind: address already in use', '127.0.0.1:18080'],
    ['Error starting userland proxy: listen tcp6 [::1]:80: bind: address already in use', '[::1]:80'],
    ['Error starting userland proxy: listen udp 0.0.0.0:53: bind: address already in use', '0.0.0.0:53'],
    ['something: address already in use', ''],
    ['No such image: x', undefined],
  ])('%s', (message, expected) => {
    expect(takenPortAddress(message)).toBe(expected);
  });
});

describe('toBerthError', () => {
  const where = '/var/run/docker.sock';

  it.each<[string, unknown, string, string]>([
    ['socket missing', socketError('ENOENT'), 'RUNTIME_UNAVAILABLE', 'Docker engine not reachable at /var/run/docker.sock: the socket does not exist (no engine running?)'],
    ['refused', socketError('ECONNREFUSED'), 'RUNTIME_UNAVAILABLE', 'Docker engine not reachable at /var/run/docker.sock: connection refused (no engine listening?)'],
    ['port taken', engineError(500, 'driver failed: Bind for 127.0.0.1:8080 failed: port is already allocated'), 'CONFLICT', 'port 127.0.0.1:8080 is already taken on this node'],
    ['not found', engineError(404, 'No such container: abc'), 'NOT_FOUND', 'starting x failed: No such container: abc'],
    ['conflict', engineError(409, 'name in use'), 'CONFLICT', 'starting x failed: name in use'],
    ['other engine refusal', engineError(500, 'OCI runtime create failed'), 'UNAVAILABLE', 'starting x failed: OCI runtime create failed'],
  ])('%s', (_, err, code, message) => {
    const mapped = toBerthError(err, 'starting x', where);
    expect(mapped).toBeInstanceOf(BerthError);
    expect(mapped).toMatchObject({ code, message });
    expect(mapped.cause).toBe(err);
  });

  it('passes a BerthError through', () => {
    const err = new BerthError('USAGE', 'no');
    expect(toBerthError(err, 'x', where)).toBe(err);
  });

  it('calls an aborted request aborted', () => {
    const err = Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
    expect(toBerthError(err, 'pulling', where)).toMatchObject({ code: 'UNAVAILABLE', message: 'pulling was aborted' });
  });
});

describe('portTakenError', () => {
  it.each<[string, string]>([
    ['127.0.0.1:80', 'port 127.0.0.1:80 is already taken on this node'],
    ['', 'a published port of this task is already taken on this node'],
  ])('%j', (address, message) => {
    expect(portTakenError(address)).toMatchObject({ code: 'CONFLICT', message });
  });
});

describe('engineMessage', () => {
  it.each<[unknown, string]>([
    [engineError(500, 'boom'), 'boom'],
    [Object.assign(new Error('x'), { json: 'plain text\n' }), 'plain text'],
    [new Error('only message'), 'only message'],
    ['a string', 'a string'],
  ])('%#', (err, expected) => {
    expect(engineMessage(err)).toBe(expected);
  });
});

describe('engineLocation', () => {
  it.each<[NodeJS.ProcessEnv, string]>([
    [{}, '/var/run/docker.sock'],
    [{ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, '/run/user/1000/docker.sock'],
    [{ DOCKER_HOST: 'tcp://10.0.0.1:2375' }, 'tcp://10.0.0.1:2375'],
  ])('%j → %s', (env, expected) => {
    expect(engineLocation(env)).toBe(expected);
  });
});
