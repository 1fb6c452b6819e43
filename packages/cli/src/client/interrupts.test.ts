import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Interrupts } from './interrupts.js';

describe('Interrupts', () => {
  it('resolves first and second on successive SIGINTs and stops listening on dispose', async () => {
    const emitter = new EventEmitter();
    const interrupts = new Interrupts(emitter);
    let second = false;
    void interrupts.second.then(() => (second = true));
    emitter.emit('SIGINT');
    await interrupts.first;
    expect(interrupts.count).toBe(1);
    expect(second).toBe(false);
    emitter.emit('SIGINT');
    await interrupts.second;
    expect(interrupts.count).toBe(2);
    interrupts.dispose();
    expect(emitter.listenerCount('SIGINT')).toBe(0);
  });
});
