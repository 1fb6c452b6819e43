import { describe, expect, it } from 'vitest';
import { FALLBACK_PATH, buildProcessEnvironment } from './process-environment.js';

const AGENT = { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8', SECRET: 's3cr3t', TZ: 'UTC' };

describe('buildProcessEnvironment', () => {
  it.each([
    ['only PATH/HOME/LANG from the agent', AGENT, {}, undefined, { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8' }],
    [
      'service values on top, overriding inherited ones',
      AGENT,
      { FOO: 'bar', LANG: 'de_DE.UTF-8', EMPTY: '' },
      undefined,
      { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'de_DE.UTF-8', FOO: 'bar', EMPTY: '' },
    ],
    [
      'null inherits from the agent',
      AGENT,
      { TZ: null, SECRET: null },
      undefined,
      { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8', TZ: 'UTC', SECRET: 's3cr3t' },
    ],
    ['null without an agent value is left out', AGENT, { NOPE: null }, undefined, { PATH: '/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8' }],
    ['a fallback PATH when the agent has none', {}, {}, undefined, { PATH: FALLBACK_PATH }],
    ["the user's home replaces the agent's HOME", AGENT, {}, '/home/app', { PATH: '/usr/bin:/bin', HOME: '/home/app', LANG: 'C.UTF-8' }],
    ['but a service HOME wins over the user home', AGENT, { HOME: '/srv' }, '/home/app', { PATH: '/usr/bin:/bin', HOME: '/srv', LANG: 'C.UTF-8' }],
  ])('%s', (_label, agentEnv, serviceEnv, home, expected) => {
    expect(buildProcessEnvironment(agentEnv, serviceEnv, home)).toEqual(expected);
  });
});
