import { describe, expect, it } from 'vitest';
import { describeTask, healthText, type DescribedTask } from './task-status-text.js';

const task = (s: Partial<DescribedTask>): DescribedTask => ({ state: 'running', health: 'none', message: '', ...s });

describe('describeTask', () => {
  it.each<[DescribedTask, string]>([
    [task({}), 'running'],
    [task({ health: 'healthy', message: 'HTTP 200' }), 'running (healthy)'],
    [task({ health: 'starting' }), 'running (health: starting)'],
    [task({ health: 'unhealthy', message: 'HTTP 500' }), 'running (unhealthy): HTTP 500'],
    [task({ state: 'pending', message: 'waiting for db (service_healthy)' }), 'pending: waiting for db (service_healthy)'],
    [task({ state: 'pending' }), 'pending'],
    [task({ state: 'exited', exitCode: 0 }), 'exited (0)'],
    [task({ state: 'exited' }), 'exited'],
    [task({ state: 'failed', exitCode: 1, message: 'exited with code 1; restarting in 100 ms' }), 'failed: exited with code 1; restarting in 100 ms'],
    [task({ state: 'failed', exitCode: 1 }), 'failed (1)'],
    [task({ state: 'failed', message: 'image nope not found' }), 'failed: image nope not found'],
    [task({ state: 'preparing', message: 'pulling' }), 'preparing: pulling'],
    [task({ state: 'starting' }), 'starting'],
  ])('%j → %s', (t, text) => {
    expect(describeTask(t)).toBe(text);
  });
});

describe('healthText', () => {
  it.each([
    ['none', ''],
    ['starting', 'starting'],
    ['healthy', 'healthy'],
    ['unhealthy', 'unhealthy'],
  ] as const)('%s → %j', (health, text) => {
    expect(healthText(health)).toBe(text);
  });
});
