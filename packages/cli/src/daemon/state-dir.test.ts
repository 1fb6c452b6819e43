import { describe, expect, it } from 'vitest';
import { controlSocketPath, defaultControlHost, defaultStateDir } from './state-dir.js';

describe('defaultStateDir', () => {
  it.each([
    [{ XDG_STATE_HOME: '/xdg/state', HOME: '/home/ann' }, '/xdg/state/berth'],
    [{ HOME: '/home/ann' }, '/home/ann/.local/state/berth'],
    // A relative XDG_STATE_HOME is invalid per the spec and ignored.
    [{ XDG_STATE_HOME: 'state', HOME: '/home/ann' }, '/home/ann/.local/state/berth'],
    [{ XDG_STATE_HOME: '', HOME: '/home/bob' }, '/home/bob/.local/state/berth'],
  ])('%j → %s', (env, dir) => {
    expect(defaultStateDir(env)).toBe(dir);
  });
});

describe('defaultControlHost', () => {
  it('is the unix socket in the default state dir', () => {
    expect(defaultControlHost({ HOME: '/home/ann' })).toBe('unix:///home/ann/.local/state/berth/control.sock');
    expect(controlSocketPath('/srv/berth')).toBe('/srv/berth/control.sock');
  });
});
