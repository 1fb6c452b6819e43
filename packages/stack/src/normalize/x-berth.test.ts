import { describe, expect, it } from 'vitest';
import { defaultBerthSettings, DEFAULT_RESTART_BACKOFF } from '@berth/api/domain';
import { Diagnostics } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { normalizeBerthSettings } from './x-berth.js';

const settings = (raw: RawValue | undefined) => {
  const diag = new Diagnostics();
  const spec = normalizeBerthSettings(raw, ['services', 'web', 'x-berth'], diag);
  return { spec, messages: diag.items.map((d) => `${d.severity} ${d.path}: ${d.message}`) };
};

describe('x-berth', () => {
  it('defaults every setting', () => {
    expect(settings(undefined)).toEqual({
      spec: { driver: 'docker', restartBackoff: { ...DEFAULT_RESTART_BACKOFF }, unhealthy: 'restart', placementStrategy: 'spread', keepRunningWhenDisconnected: false },
      messages: [],
    });
    expect(settings(null).spec).toEqual(defaultBerthSettings());
  });

  it('reads every setting, with durations parsed and partial backoff filled from defaults', () => {
    expect(
      settings({
        driver: 'process',
        restart_backoff: { initial: '1s', max: '5m', multiplier: '1.5' },
        unhealthy: 'flag',
        placement_strategy: 'binpack',
        keep_running_when_disconnected: true,
      }),
    ).toEqual({
      spec: {
        driver: 'process',
        restartBackoff: { initialMs: 1_000, maxMs: 300_000, multiplier: 1.5, resetAfterMs: 10_000 },
        unhealthy: 'flag',
        placementStrategy: 'binpack',
        keepRunningWhenDisconnected: true,
      },
      messages: [],
    });
  });

  it('validates values itself, since the Compose schema does not look inside x- keys', () => {
    expect(
      settings({
        driver: 'podman',
        unhealthy: 7,
        placement_strategy: 'random',
        keep_running_when_disconnected: 'sure',
        restart_backoff: { initial: '10s', max: '1s', multiplier: 0.5, jitter: true },
        colour: 'blue',
      }).messages,
    ).toEqual([
      'error services.web.x-berth.colour: unknown x-berth setting "colour"',
      'error services.web.x-berth.driver: invalid driver "podman": expected "docker" or "process"',
      'error services.web.x-berth.restart_backoff.jitter: unknown restart_backoff setting "jitter"',
      'error services.web.x-berth.restart_backoff.multiplier: must be at least 1, got 0.5',
      'error services.web.x-berth.restart_backoff.max: max (1000 ms) is less than initial (10000 ms)',
      'error services.web.x-berth.unhealthy: invalid unhealthy action 7: expected "restart" or "flag"',
      'error services.web.x-berth.placement_strategy: invalid placement strategy "random": expected "spread" or "binpack"',
      'error services.web.x-berth.keep_running_when_disconnected: expected a boolean (true or false), got "sure"',
    ]);
    expect(settings('process').messages).toEqual(['error services.web.x-berth: x-berth must be a mapping']);
    expect(settings({ restart_backoff: 'fast' }).messages).toEqual(['error services.web.x-berth.restart_backoff: restart_backoff must be a mapping']);
  });
});
